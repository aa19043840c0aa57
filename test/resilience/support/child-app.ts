/**
 * The service as it runs in production: `node main.js` from a build, as a child process, so that
 * it can be killed, signalled and restarted. The build goes to test/artifacts/resilience/dist
 * (git-ignored), not dist/: `nest build` empties dist/ first, which would pull the rug from under
 * anyone else running the service or the benchmark from this checkout.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { login, sleep } from './http';

export const PROJECT_ROOT = join(__dirname, '..', '..', '..');
export const ARTIFACTS = join(PROJECT_ROOT, 'test', 'artifacts', 'resilience');
export const BUILD_DIR = join(ARTIFACTS, 'dist');
export const MAIN_JS = join(BUILD_DIR, 'main.js');
const READY_TIMEOUT_MS = 90_000;

export function buildApp(): void {
  mkdirSync(ARTIFACTS, { recursive: true });
  try {
    execFileSync(join(PROJECT_ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json', '--outDir', BUILD_DIR], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const e = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`building the app failed:\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`);
  }
  if (!existsSync(MAIN_JS)) throw new Error(`the build produced no ${MAIN_JS}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ChildAppOptions {
  mongodbUri: string;
  port?: number;
  /** Extra or overriding environment (secrets default to fresh random ones). */
  env?: Record<string, string | undefined>;
  logName: string;
}

export interface ChildApp {
  pid: number;
  port: number;
  baseUrl: string;
  env: Record<string, string>;
  admin: { username: string; password: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  logFile: string;
  kill(signal: NodeJS.Signals): void;
  log(): string;
}

export function productionEnv(mongodbUri: string, port: number, overrides: Record<string, string | undefined> = {}) {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    PORT: String(port),
    MONGODB_URI: mongodbUri,
    JWT_SECRET: randomBytes(32).toString('hex'),
    ADMIN_USERNAME: 'resilience.admin',
    ADMIN_PASSWORD: `adm-${randomBytes(12).toString('base64url')}`,
    // The suite signs in with a password only (the second factor has its e2e tests).
    MFA_REQUIRED_ROLES: 'none',
    LOG_LEVEL: 'warn',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>;
}

/** Spawns the built service; does not wait for it. */
export function spawnApp(options: ChildAppOptions & { port: number }): ChildApp {
  mkdirSync(ARTIFACTS, { recursive: true });
  const env = productionEnv(options.mongodbUri, options.port, options.env);
  const logFile = join(ARTIFACTS, `${options.logName}.log`);
  const fd = openSync(logFile, 'a');
  const child: ChildProcess = spawn(process.execPath, [MAIN_JS], { cwd: PROJECT_ROOT, stdio: ['ignore', fd, fd], env });
  closeSync(fd);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    pid: child.pid!,
    port: options.port,
    baseUrl: `http://127.0.0.1:${options.port}`,
    env,
    admin: { username: env.ADMIN_USERNAME, password: env.ADMIN_PASSWORD },
    exited,
    logFile,
    kill: (signal) => void child.kill(signal),
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
  };
}

/** Spawns the service and waits until /health/ready answers 200. */
export async function startApp(options: ChildAppOptions): Promise<ChildApp> {
  const port = options.port ?? (await freePort());
  const app = spawnApp({ ...options, port });
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void app.exited.then((e) => (exit = e));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exit) throw new Error(`the service exited (${exit.code ?? exit.signal}) during start-up:\n${app.log().slice(-3000)}`);
    try {
      const res = await fetch(`${app.baseUrl}/health/ready`);
      if (res.status === 200) return app;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  app.kill('SIGKILL');
  throw new Error(`the service was not ready after ${READY_TIMEOUT_MS} ms:\n${app.log().slice(-3000)}`);
}

export const adminToken = (app: ChildApp) => login(app.baseUrl, app.admin.username, app.admin.password);

/** Runs the service with its output captured; kills it after `timeoutMs`. */
export function spawnCaptured(env: Record<string, string>, timeoutMs = 30_000) {
  const child = spawn(process.execPath, [MAIN_JS], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const done = new Promise<{ code: number | null; output: string; timedOut: boolean }>((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, timedOut });
    }),
  );
  return { kill: (signal: NodeJS.Signals) => void child.kill(signal), done };
}

/** Runs the service to completion (for start-up refusals). */
export const runToExit = (env: Record<string, string>, timeoutMs = 30_000) => spawnCaptured(env, timeoutMs).done;

/**
 * The server's logged 500s, counted by error (name, message, first frames): printed by a test
 * that saw a 500, so that a failure in CI says what went wrong inside the service.
 */
export function serverErrorsIn(log: string): string {
  const counts = new Map<string, number>();
  for (const line of log.split('\n')) {
    let entry: { status?: number; err?: { name?: string; message?: string; stack?: string } };
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (entry.status !== 500) continue;
    const frames = (entry.err?.stack ?? '').split('\n').slice(1, 4).map((f) => f.trim()).join(' < ');
    const key = `${entry.err?.name}: ${String(entry.err?.message).slice(0, 200)} [${frames}]`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, n]) => `${n}x ${key}`).join('\n') || '(none logged)';
}
