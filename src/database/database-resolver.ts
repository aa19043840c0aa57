import { join } from 'node:path';
import { EmbeddedBackend, startEmbeddedFerretDb } from './embedded-ferretdb';

export interface ResolvedDatabase {
  uri: string;
  /** Where the data lives, for the start-up log (never includes credentials). */
  description: string;
  stop(): Promise<void>;
}

export interface EmbeddedDefaults {
  backend: EmbeddedBackend;
  /** SQLite folder; ignored by the PostgreSQL backend. */
  dataDir: string;
  /** PostgreSQL database URL; ignored by the SQLite backend. */
  postgresUrl: string;
}

export const DATABASE_NAME = 'pawnshop';
export const PROJECT_ROOT = join(__dirname, '..', '..');

/** `npm start` without MONGODB_URI: FerretDB over SQLite, data kept in .data/ferretdb. */
export function embeddedDefaultsFromEnv(env: NodeJS.ProcessEnv = process.env): EmbeddedDefaults {
  const backend = (env.EMBEDDED_DB_BACKEND ?? 'sqlite') as EmbeddedBackend;
  if (backend !== 'sqlite' && backend !== 'postgresql') {
    throw new Error('EMBEDDED_DB_BACKEND must be sqlite or postgresql');
  }
  return {
    backend,
    dataDir: env.EMBEDDED_DB_DIR ?? join(PROJECT_ROOT, '.data', 'ferretdb'),
    postgresUrl: env.EMBEDDED_DB_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/pawnshop_customers',
  };
}

/**
 * The one place that decides where the database comes from: MONGODB_URI when set, otherwise
 * an embedded FerretDB that is started here, waited for, and stopped with the process.
 */
export async function resolveDatabase(mongodbUri: string | undefined, defaults: EmbeddedDefaults): Promise<ResolvedDatabase> {
  if (mongodbUri) {
    return { uri: mongodbUri, description: 'MONGODB_URI', stop: async () => undefined };
  }
  const embedded = await startEmbeddedFerretDb({
    backend: defaults.backend,
    dataDir: defaults.dataDir,
    postgresUrl: defaults.postgresUrl,
    port: Number(process.env.EMBEDDED_DB_PORT ?? 0),
  });
  const where = defaults.backend === 'sqlite' ? defaults.dataDir : 'PostgreSQL 127.0.0.1:5432';
  return {
    uri: withDatabaseName(embedded.uri),
    description: `embedded FerretDB (${defaults.backend}, ${where})`,
    stop: () => embedded.stop(),
  };
}

function withDatabaseName(uri: string): string {
  const url = new URL(uri);
  url.pathname = `/${DATABASE_NAME}`;
  return url.toString();
}
