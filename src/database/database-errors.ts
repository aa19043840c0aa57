/**
 * What a database error means, whichever engine raised it. The one place that knows the shapes
 * of MongoDB's, the driver's and FerretDB's errors; the problem filter and the repositories ask here.
 */

/** MongoDB's duplicate key error. */
const DUPLICATE_KEY = 11000;
/** MongoDB's MaxTimeMSExpired: a read ran past its time limit. */
const MAX_TIME_EXPIRED = 50;

/** Socket errors the driver passes on as they are when the database goes away mid-command. */
const CONNECTION_LOSS_CODES = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT']);

/**
 * Driver and Mongoose error classes that mean "the database cannot be reached right now". Matched
 * against every class in the error's prototype chain, because the driver subclasses them with
 * names of their own (`PoolClearedOnNetworkError` is a `MongoNetworkError`) and closes pools and
 * clients while it reconnects (`PoolClosedError`, `MongoClientClosedError`).
 */
const DATABASE_DOWN_ERRORS = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError', // and MongoNetworkTimeoutError, PoolClearedError, PoolClearedOnNetworkError
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoServerClosedError',
  'MongoClientClosedError',
  // An operation that held an implicit session while the client was closed and reconnected (the
  // database watchdog's recovery): the database was unreachable for it.
  'MongoExpiredSessionError',
  'MongoPoolClearedError',
  'MongoPoolClosedError',
  'PoolClosedError',
  'MongoWaitQueueTimeoutError',
  'WaitQueueTimeoutError',
]);

interface ErrorShape {
  name?: string;
  code?: unknown;
  message?: unknown;
}

const shapeOf = (error: unknown): ErrorShape => (error ?? {}) as ErrorShape;

/**
 * A unique index refused the write. MongoDB answers 11000; FerretDB answers some findAndModify
 * violations with PostgreSQL's message instead.
 */
export function isDuplicateKey(error: unknown): boolean {
  const { code, message } = shapeOf(error);
  return code === DUPLICATE_KEY || (typeof message === 'string' && /duplicate key/i.test(message));
}

/** The mark of a write the storage guard refused (see storage-guard.ts). */
export const WRITE_CONFLICT_MARK = 'pawnshop_write_conflict';

/**
 * The storage refused a write computed from a document that another writer changed meanwhile:
 * a lost optimistic race, to be retried on fresh state.
 */
export function isWriteConflict(error: unknown): boolean {
  const { message } = shapeOf(error);
  if (typeof message !== 'string') return false;
  // PostgreSQL under FerretDB rolled the statement back: a deadlock (40P01) or a serialization
  // failure (40001, which the guard raises too) leaves nothing written, so a retry is safe.
  return message.includes(WRITE_CONFLICT_MARK) || /\(SQLSTATE 40(P01|001)\)/.test(message);
}

/** The database cannot be reached right now (the driver's own view). */
export function isDatabaseDown(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if (DATABASE_DOWN_ERRORS.has(shapeOf(error).name ?? '')) return true;
  for (let proto = Object.getPrototypeOf(error); proto && proto !== Error.prototype; proto = Object.getPrototypeOf(proto)) {
    if (DATABASE_DOWN_ERRORS.has((proto as { constructor?: { name?: string } }).constructor?.name ?? '')) return true;
  }
  return false;
}

/**
 * Seen under load while the database was stopped: a plain `Error` (EPIPE, "This socket has been
 * ended by the other party") from the driver's write, FerretDB answering the commands it was
 * running as it shut down with "context canceled", and (once, in CI's outage test) an operation
 * refused with FerretDB's "no such command: 'endSessions'" while the client was being reconnected.
 * All mean the database went away for that operation.
 */
export function isConnectionLoss(error: unknown): boolean {
  const { name, code, message } = shapeOf(error);
  if (typeof code === 'string' && CONNECTION_LOSS_CODES.has(code)) return true;
  if (name !== 'MongoServerError' || typeof message !== 'string') return false;
  // FerretDB has no endSessions: the driver sends it while the watchdog closes a stuck client
  // (the database was just restarted), and an operation caught in that close gets its refusal.
  return message.includes('context canceled') || message.includes("no such command: 'endSessions'");
}

/** A read gave up at its time limit (the database is overloaded, not down). */
export function isTimeLimitExceeded(error: unknown): boolean {
  const { name, code } = shapeOf(error);
  return name === 'MongoServerError' && code === MAX_TIME_EXPIRED;
}

/**
 * Characters no engine we run on can store in a string: PostgreSQL's jsonb (under FerretDB)
 * refuses NUL. MongoDB keeps it, but no field of ours has a use for one, so input holding it is
 * refused everywhere rather than only on some engines.
 */
export const UNSTORABLE_CHARACTER = '\u0000';
