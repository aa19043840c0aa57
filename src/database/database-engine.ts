import mongoose from 'mongoose';
import { isDuplicateKey, isWriteConflict } from './database-errors';
import { KeyedMutex } from './keyed-mutex';
import { REVISION_FIELD } from './database.constants';

/** Where the service's data lives: the URI to connect to, and what is known of the server behind it. */
export interface DatabaseTarget {
  uri: string;
  /**
   * The PostgreSQL database under a FerretDB (the embedded one, or `FERRETDB_POSTGRES_URL`): the
   * service keeps its indexes there.
   */
  postgresUrl?: string;
  /** Known when the service started the server itself. */
  engine?: EngineKind;
}

export type EngineKind = 'mongodb' | 'ferretdb';

const MONGODB_POOL_SIZE = 20;

/**
 * The database boundary: the one object that knows which engine answers (MongoDB, or FerretDB
 * 1.24 and on which backend) and answers every question whose answer depends on it. Feature code
 * asks it; it never tests for an engine itself.
 *
 * FerretDB 1.24 differs from MongoDB where it matters here:
 * - it applies every update as read, modify in Go, write back, with no lock: two updates of one
 *   document in flight at once can lose one of them. Its writes go through a pool of one
 *   connection, and the writes to one record are serialized in this process (`exclusive`).
 * - it pushes down to its backend only top-level equality (`$eq`, `$ne`), and sorts and counts in
 *   Go after decoding every match: lists, counts and sums go through the read port
 *   (`DocumentReader`), which answers in SQL on FerretDB's own tables where it can.
 * - it ignores `$slice` in `$push`.
 */
export class DatabaseEngine {
  private readonly locks = new KeyedMutex();

  constructor(
    readonly kind: EngineKind,
    /** FerretDB's PostgreSQL database, when the service can reach it. */
    readonly postgresUrl?: string,
  ) {}

  /** Asks the server what it is (FerretDB answers `ferretdbVersion` in buildInfo). */
  static async detect(target: DatabaseTarget): Promise<DatabaseEngine> {
    const kind = target.engine ?? (await probeEngine(target.uri));
    return new DatabaseEngine(kind, kind === 'ferretdb' ? target.postgresUrl : undefined);
  }

  get isFerretDb(): boolean {
    return this.kind === 'ferretdb';
  }

  /**
   * Connections of the pool that writes go through. On FerretDB over a PostgreSQL the service
   * reaches, the storage guard (storage-guard.ts) refuses stale writes, so writes may run side by
   * side; without it (FerretDB through MONGODB_URI alone) they run one at a time, which keeps one
   * instance correct.
   */
  get writePoolSize(): number {
    return this.isFerretDb && !this.guardsWrites ? 1 : MONGODB_POOL_SIZE;
  }

  /** Whether the storage refuses stale writes (FerretDB on a reachable PostgreSQL: installed at start-up). */
  get guardsWrites(): boolean {
    return this.isFerretDb && this.postgresUrl !== undefined;
  }

  /**
   * Whether the driver retries a write once after a network error or a replica-set failover. On
   * MongoDB it does: every write here is a single-document write, which the server deduplicates
   * by the session's transaction number, so a retried write is never applied twice. FerretDB 1.24
   * does not implement retryable writes.
   */
  get retryWrites(): boolean {
    return !this.isFerretDb;
  }

  /**
   * Whether the database keeps every index the schemas declare. FerretDB over a PostgreSQL the
   * service reaches keeps only the unique ones: its btree indexes on `_jsonb -> field` cannot
   * serve the `@>` it queries with, reads go through the service's own PostgreSQL indexes
   * (postgres-indexes.ts), and every index costs every write (FerretDB's nine on customers were
   * 0.45 ms of a 0.6 ms update at 100,000 customers).
   */
  get keepsAllSchemaIndexes(): boolean {
    return !this.guardsWrites;
  }

  /** Connections of the pool for reads that decide nothing (pages, lookups, stats). */
  get readPoolSize(): number {
    return MONGODB_POOL_SIZE;
  }

  /**
   * Runs `work` as the only writer of `key` in this process (re-entrant). On FerretDB this is what
   * makes a conditional write atomic within one process; on MongoDB it spares concurrent
   * read-decide-write cycles on one record the retries of optimistic concurrency.
   */
  exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    return this.locks.run(key, work);
  }

  /** Whether `exclusive(key, …)` work is running or waiting in this process. */
  isBusy(key: string): boolean {
    return this.locks.isBusy(key);
  }

  /** The storage refused a write computed from a stale read: retry it on fresh state. */
  isWriteConflict(error: unknown): boolean {
    return isWriteConflict(error);
  }

  /**
   * The update that guarded collections need on every write: the storage (on FerretDB) refuses an
   * update that does not raise the stored revision by exactly one (storage-guard.ts).
   */
  get revisionBump(): Record<string, 1> {
    return { [REVISION_FIELD]: 1 };
  }

  /** A unique index refused the write. */
  isDuplicateKey(error: unknown): boolean {
    return isDuplicateKey(error);
  }

  /** Whether `$push` with `$slice` keeps an array bounded (else the caller trims it). */
  get boundsPushedArrays(): boolean {
    return !this.isFerretDb;
  }
}

async function probeEngine(uri: string): Promise<EngineKind> {
  const probe = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 5000 }).asPromise();
  try {
    const info = await probe.db!.admin().command({ buildInfo: 1 });
    return 'ferretdbVersion' in info ? 'ferretdb' : 'mongodb';
  } finally {
    await probe.close();
  }
}
