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
    engine: 'ferretdb',
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
