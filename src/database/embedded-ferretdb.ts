/**
 * Starts FerretDB (MongoDB wire protocol on SQLite or PostgreSQL) as a child
 * process, for development and tests. The binary is built from ferretdb/ by
 * scripts/build-ferretdb.sh into .tools/ferretdb (needs Go on the first run).
 *
 * Uses Node built-ins only.
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { Client } from 'pg';

const execFileAsync = promisify(execFile);

export type EmbeddedBackend = 'sqlite' | 'postgresql';

export interface EmbeddedDatabaseOptions {
  backend: EmbeddedBackend;
  /** SQLite folder, created if missing. Default: a temp folder removed on stop(). */
  dataDir?: string;
  /** PostgreSQL backend: database URL; the database is created if missing. */
  postgresUrl?: string;
  /** 0 or undefined = a free port chosen by the OS. */
  port?: number;
  /** Default: <project root>/.tools/ferretdb, built on demand. */
  binaryPath?: string;
}

export interface EmbeddedDatabase {
  /** mongodb://127.0.0.1:PORT/ */
  uri: string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;

export async function startEmbeddedFerretDb(
  opts: EmbeddedDatabaseOptions,
): Promise<EmbeddedDatabase> {
  const binary = opts.binaryPath ?? (await buildBinary());
  const args = [
    '--listen-addr',
    `127.0.0.1:${opts.port ?? 0}`,
    '--handler',
    opts.backend,
    '--exit-on-stdin-eof',
  ];

  let tempDir: string | undefined;
  if (opts.backend === 'sqlite') {
    const dir = opts.dataDir
      ? resolve(opts.dataDir)
      : (tempDir = mkdtempSync(join(tmpdir(), 'ferretdb-')));
    mkdirSync(dir, { recursive: true });
    args.push('--sqlite-url', `file:${dir}/`);
  } else {
    if (!opts.postgresUrl) throw new Error('postgresUrl is required for the postgresql backend');
    await ensurePostgresDatabase(opts.postgresUrl);
    args.push('--postgresql-url', opts.postgresUrl);
  }

  // stdin stays open as a pipe: if this process dies, the pipe closes and FerretDB exits.
  const child = spawn(binary, args, { stdio: ['pipe', 'ignore', 'pipe'] });
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      process.removeListener('exit', killOnExit);
      await terminate(child);
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    })());

  try {
    const uri = await waitForReady(child);
    return { uri, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Resolves with the server's URI once it listens and answers a `hello`. */
async function waitForReady(child: ChildProcess): Promise<string> {
  const lines = createInterface({ input: child.stderr! });
  const output: string[] = [];
  let onLine: (line: string) => void = () => undefined;
  let ready = false;
  lines.on('line', (line) => {
    if (!ready) output.push(line);
    onLine(line);
  });

  const listening = new Promise<string>((resolveUri, reject) => {
    onLine = (line) => {
      const match = /listening on (mongodb:\/\/\S+)/.exec(line);
      if (match) {
        ready = true;
        // Its log is still read (a full pipe would block it) but shown only on request: on
        // PostgreSQL it logs every refused insert, e.g. each expected duplicate key, as an ERROR.
        onLine = process.env.FERRETDB_LOG
          ? (l) => process.stderr.write(`[ferretdb] ${l}\n`)
          : () => undefined;
        resolveUri(match[1]);
      }
    };
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      reject(
        new Error(`ferretdb exited (${signal ?? code}) before it was ready:\n${output.join('\n')}`),
      ),
    );
  });

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`ferretdb not ready after ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
  });

  try {
    return await Promise.race([
      (async () => {
        const uri = await listening;
        const { hostname, port } = new URL(uri);
        while (!(await answersHello(hostname, Number(port)))) await sleep(100);
        return uri;
      })(),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Sends an OP_MSG `{hello: 1, $db: 'admin'}` and checks that an OP_MSG reply comes back. */
function answersHello(host: string, port: number): Promise<boolean> {
  const doc = bsonDoc([
    [0x10, 'hello', int32(1)],
    [0x02, '$db', Buffer.concat([int32(6), Buffer.from('admin\0')])],
  ]);
  const body = Buffer.concat([int32(0) /* flagBits */, Buffer.from([0]) /* section kind 0 */, doc]);
  const requestId = 1;
  const msg = Buffer.concat([
    int32(16 + body.length),
    int32(requestId),
    int32(0),
    int32(2013),
    body,
  ]);

  return new Promise((done) => {
    const socket = connect({ host, port });
    let reply = Buffer.alloc(0);
    const finish = (ok: boolean): void => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(2_000, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write(msg));
    socket.on('data', (chunk: Buffer) => {
      reply = Buffer.concat([reply, chunk]);
      if (reply.length >= 16)
        finish(reply.readInt32LE(8) === requestId && reply.readInt32LE(12) === 2013);
    });
  });
}

function bsonDoc(elements: Array<[type: number, name: string, value: Buffer]>): Buffer {
  const parts = elements.map(([type, name, value]) =>
    Buffer.concat([Buffer.from([type]), Buffer.from(`${name}\0`), value]),
  );
  const content = Buffer.concat([...parts, Buffer.from([0])]);
  return Buffer.concat([int32(4 + content.length), content]);
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b;
}

/** SIGTERM, then SIGKILL if still running after STOP_GRACE_MS. */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

/** Runs scripts/build-ferretdb.sh (a no-op when the binary is up to date). */
async function buildBinary(): Promise<string> {
  const root = findProjectRoot(__dirname);
  try {
    await execFileAsync('bash', [join(root, 'scripts', 'build-ferretdb.sh')], {
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`building ferretdb failed: ${e.stderr || e.stdout || e.message}`);
  }
  return join(root, '.tools', 'ferretdb');
}

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

/** FerretDB does not create the PostgreSQL database itself. */
async function ensurePostgresDatabase(postgresUrl: string): Promise<void> {
  const url = new URL(postgresUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) throw new Error(`postgresUrl has no database name: ${postgresUrl}`);
  url.pathname = '/postgres'; // maintenance database
  const client = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!exists.rowCount) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } catch (err) {
    // A concurrent creation: "already exists", or the race lost on pg_database's unique index.
    const code = (err as { code?: string }).code;
    if (code === '42P04' || code === '23505') return;
    throw new Error(`creating database "${name}" failed: ${(err as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Drops the database of this URL (connections to it are closed first). */
export async function dropPostgresDatabase(postgresUrl: string): Promise<void> {
  const url = new URL(postgresUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) throw new Error(`postgresUrl has no database name: ${postgresUrl}`);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Whether a PostgreSQL server answers at this URL's host and port (any database). */
export async function postgresAnswers(postgresUrl: string, timeoutMs = 1500): Promise<boolean> {
  const url = new URL(postgresUrl);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString(), connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
