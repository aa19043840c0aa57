import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/** In the data folder: the JWT secret generated at first start (mode 0600). */
export const JWT_SECRET_FILE = 'jwt-secret';
const SECRET_BYTES = 48;
const OWNER_ONLY = 0o600;

/**
 * This data folder's JWT secret, generated on first use: restarts keep sessions, and no two
 * installs share a secret. Created exclusively, so two processes starting at once agree on one.
 */
export function dataFolderSecret(dataDir: string): string {
  const file = join(dataDir, JWT_SECRET_FILE);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    const fd = openSync(file, 'wx', OWNER_ONLY);
    try {
      writeSync(fd, `${randomBytes(SECRET_BYTES).toString('base64url')}\n`);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // Copied or restored with looser permissions: tighten them rather than share the secret.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, OWNER_ONLY);
  const secret = readSecret(file);
  if (Buffer.byteLength(secret) < 32)
    throw new Error(`${file} holds no usable secret: delete it to generate one`);
  return secret;
}

function readSecret(file: string): string {
  // A process that lost the race may read before the winner wrote: wait briefly for the content.
  for (let attempt = 0; attempt < 50; attempt++) {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret) return secret;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
  }
  return '';
}
