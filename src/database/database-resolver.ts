import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmbeddedBackend, postgresAnswers, startEmbeddedFerretDb } from './embedded-ferretdb';

export interface ResolvedDatabase {
  uri: string;
  /** Where the data lives, for the start-up log (never includes credentials). */
  description: string;
  /** The embedded FerretDB's PostgreSQL database (PostgreSQL backend only). */
  postgresUrl?: string;
  stop(): Promise<void>;
}

export type EmbeddedBackendChoice = EmbeddedBackend | 'auto';

export interface EmbeddedDefaults {
  /** `auto`: PostgreSQL when a server answers at `postgresUrl`, SQLite otherwise. */
  backend: EmbeddedBackendChoice;
  /** The local data folder: SQLite's files, or the name of this folder's PostgreSQL database. */
  dataDir: string;
  /** PostgreSQL server (and database, when the URL names one); ignored by the SQLite backend. */
  postgresUrl: string;
}

export const DATABASE_NAME = 'pawnshop';
export const PROJECT_ROOT = join(__dirname, '..', '..');
export const DEFAULT_POSTGRES_SERVER = 'postgres://postgres@127.0.0.1:5432';
/** In the data folder: the PostgreSQL database that belongs to it (created on first start). */
export const POSTGRES_DATABASE_FILE = 'postgresql-database';

/** `npm start` without MONGODB_URI: FerretDB on the local PostgreSQL if one answers, else SQLite. */
export function embeddedDefaultsFromEnv(env: NodeJS.ProcessEnv = process.env): EmbeddedDefaults {
  const backend = (env.EMBEDDED_DB_BACKEND || 'auto') as EmbeddedBackendChoice;
  if (backend !== 'auto' && backend !== 'sqlite' && backend !== 'postgresql') {
    throw new Error('EMBEDDED_DB_BACKEND must be auto, sqlite or postgresql');
  }
  return {
    backend,
    dataDir: env.EMBEDDED_DB_DIR || join(env.DATA_DIR?.trim() || join(PROJECT_ROOT, '.data'), 'ferretdb'),
    postgresUrl: env.EMBEDDED_DB_POSTGRES_URL || DEFAULT_POSTGRES_SERVER,
  };
}

/**
 * The PostgreSQL database of this data folder: the one the URL names, else one named in the
 * folder (a fresh checkout gets a fresh database; a restart finds its data again).
 */
export function postgresDatabaseUrl(postgresUrl: string, dataDir: string): string {
  const url = new URL(postgresUrl);
  if (url.pathname.replace(/^\//, '')) return url.toString();
  const file = join(dataDir, POSTGRES_DATABASE_FILE);
  let name = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (!/^pawnshop_[a-z0-9_]{1,50}$/.test(name)) {
    name = `pawnshop_${randomBytes(6).toString('hex')}`;
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${name}\n`);
  }
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * The one place that decides where the database comes from: MONGODB_URI when set, otherwise
 * an embedded FerretDB that is started here, waited for, and stopped with the process.
 */
export async function resolveDatabase(
  mongodbUri: string | undefined,
  defaults: EmbeddedDefaults,
): Promise<ResolvedDatabase> {
  if (mongodbUri) {
    return { uri: mongodbUri, description: 'MONGODB_URI', stop: async () => undefined };
  }
  const backend = await chooseBackend(defaults);
  try {
    return await startEmbedded(backend, defaults);
  } catch (error) {
    // `auto` found a PostgreSQL but could not use it (no right to create the database, say):
    // SQLite still gives a working service, which is what `auto` promises.
    if (defaults.backend !== 'auto' || backend !== 'postgresql') throw error;
    process.stderr.write(
      `${JSON.stringify({ level: 40, msg: 'embedded database: PostgreSQL unusable, falling back to SQLite', err: (error as Error).message })}\n`,
    );
    return startEmbedded('sqlite', defaults);
  }
}

async function startEmbedded(
  backend: EmbeddedBackend,
  defaults: EmbeddedDefaults,
): Promise<ResolvedDatabase> {
  const postgresUrl =
    backend === 'postgresql'
      ? postgresDatabaseUrl(defaults.postgresUrl, defaults.dataDir)
      : undefined;
  const embedded = await startEmbeddedFerretDb({
    backend,
    dataDir: defaults.dataDir,
    postgresUrl,
    port: Number(process.env.EMBEDDED_DB_PORT ?? 0),
  });
  const where = postgresUrl ? `PostgreSQL ${describePostgres(postgresUrl)}` : defaults.dataDir;
  return {
    uri: withDatabaseName(embedded.uri),
    description: `embedded FerretDB (${backend}, ${where})`,
    postgresUrl,
    stop: () => embedded.stop(),
  };
}

/** PostgreSQL is far faster under FerretDB (bench/README.md); SQLite needs nothing running. */
export async function chooseBackend(
  defaults: Pick<EmbeddedDefaults, 'backend' | 'postgresUrl'>,
  answers: (url: string) => Promise<boolean> = postgresAnswers,
): Promise<EmbeddedBackend> {
  if (defaults.backend !== 'auto') return defaults.backend;
  return (await answers(defaults.postgresUrl)) ? 'postgresql' : 'sqlite';
}

function describePostgres(postgresUrl: string): string {
  const url = new URL(postgresUrl);
  return `${url.hostname}:${url.port || 5432}${url.pathname}`;
}

function withDatabaseName(uri: string): string {
  const url = new URL(uri);
  url.pathname = `/${DATABASE_NAME}`;
  return url.toString();
}
