/* eslint-disable @typescript-eslint/no-require-imports -- preloaded with `node --require`: CommonJS on purpose */
// Experiment "pool" (BENCH_EXPERIMENTS=pool, size from BENCH_APP_POOL, default 20): overrides the
// MongoDB pool size the app chooses (1 on FerretDB) to measure what serialising every command costs.
const mongoose = require('mongoose');

const poolSize = Number(process.env.BENCH_APP_POOL || 20);
const openUri = mongoose.Connection.prototype.openUri;
mongoose.Connection.prototype.openUri = function (uri, options = {}) {
  return openUri.call(this, uri, { ...options, maxPoolSize: poolSize });
};
