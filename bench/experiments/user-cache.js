/* eslint-disable @typescript-eslint/no-require-imports -- preloaded with `node --require`: CommonJS on purpose */
// Experiment "user-cache": JwtStrategy re-reads the user on every request (so that a disabled user or a
// role change applies at once). This caches UsersRepository.findByUsername for BENCH_USER_CACHE_MS
// (default 1000 ms) to measure what that read costs. A real fix would also drop the entry when the
// user is changed through this process (UsersService), keeping "at once" within one instance.
const { join } = require('node:path');
const { UsersRepository } = require(
  join(__dirname, '..', '..', 'dist', 'auth', 'users', 'users.repository.js'),
);

const ttlMs = Number(process.env.BENCH_USER_CACHE_MS || 1000);
const cache = new Map();
const findByUsername = UsersRepository.prototype.findByUsername;
UsersRepository.prototype.findByUsername = async function (username) {
  const hit = cache.get(username);
  if (hit && hit.until > Date.now()) return hit.user;
  const user = await findByUsername.call(this, username);
  cache.set(username, { user, until: Date.now() + ttlMs });
  return user;
};
