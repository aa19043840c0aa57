import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig, EmbeddedDatabaseSettings as EmbeddedDefaults } from '../config/app-config';
import { DatabaseTarget } from './database-engine';
import { EmbeddedBackend, postgresAnswers, startEmbeddedFerretDb } from './embedded-ferretdb';

export interface ResolvedDatabase extends DatabaseTarget {
  /** Where the data lives, for the start-up log (never includes credentials). */
  description: string;
  stop(): Promise<void>;
}

export const DATABASE_NAME = 'pawnshop';
/** In the data folder: the PostgreSQL database that belongs to it (created on first start). */
export const POSTGRES_DATABASE_FILE = 'postgresql-database';

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
  config: Pick<AppConfig, 'mongodbUri' | 'ferretDbPostgresUrl' | 'embeddedDatabase'>,
): Promise<ResolvedDatabase> {
  const defaults = config.embeddedDatabase;
  if (config.mongodbUri) {
    return {
      uri: config.mongodbUri,
      postgresUrl: config.ferretDbPostgresUrl,
      description: 'MONGODB_URI',
      stop: async () => undefined,
    };
  }
  return startEmbedded(await chooseBackend(defaults), defaults);
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
    engine: 'ferretdb',
    stop: () => embedded.stop(),
  };
}

/**
 * `auto` is PostgreSQL, and only PostgreSQL: there the service reads lists, counts and stats in
 * SQL through indexes, and its storage guard lets several instances share the data. FerretDB on
 * SQLite has neither (it filters and sorts every document in Go: seconds per page at 10,000
 * customers, bench/README.md), so it is never chosen silently; `EMBEDDED_DB_BACKEND=sqlite` still
 * asks for it, for a small single-instance trial on a machine without PostgreSQL.
 */
export async function chooseBackend(
  defaults: Pick<EmbeddedDefaults, 'backend' | 'postgresUrl'>,
  answers: (url: string) => Promise<boolean> = postgresAnswers,
): Promise<EmbeddedBackend> {
  if (defaults.backend !== 'auto') return defaults.backend;
  if (await answers(defaults.postgresUrl)) return 'postgresql';
  throw new Error(
    `no PostgreSQL answers at ${describePostgres(defaults.postgresUrl)} for the embedded database: ` +
      'start PostgreSQL (or set EMBEDDED_DB_POSTGRES_URL), or set MONGODB_URI; ' +
      'EMBEDDED_DB_BACKEND=sqlite runs a small single-instance trial without it',
  );
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
