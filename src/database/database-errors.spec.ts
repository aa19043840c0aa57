import { isConnectionLoss, isDuplicateKey, isWriteConflict } from './database-errors';

const serverError = (message: string, code?: number) =>
  Object.assign(new Error(message), { name: 'MongoServerError', code });

describe('database errors', () => {
  it('a write the storage guard refused, a deadlock or a serialization failure is a lost race, to retry', () => {
    expect(
      isWriteConflict(
        serverError('[collection.go:218] ERROR: pawnshop_write_conflict: the document changed since it was read (SQLSTATE 40001)'),
      ),
    ).toBe(true);
    expect(isWriteConflict(serverError('[collection.go:218] ERROR: deadlock detected (SQLSTATE 40P01)'))).toBe(true);
    expect(isWriteConflict(serverError('ERROR: duplicate key value violates unique constraint (SQLSTATE 23505)'))).toBe(false);
    expect(isWriteConflict(new Error('socket hang up'))).toBe(false);
  });

  it('a duplicate key is MongoDB code 11000 or PostgreSQL’s message through FerretDB', () => {
    expect(isDuplicateKey(serverError('E11000 duplicate key error', 11000))).toBe(true);
    expect(isDuplicateKey(serverError('ERROR: duplicate key value violates unique constraint (SQLSTATE 23505)'))).toBe(true);
    expect(isDuplicateKey(serverError('ERROR: deadlock detected (SQLSTATE 40P01)'))).toBe(false);
  });

  it('a request caught in the reconnect of a stuck client is the database going away, not a 500', () => {
    expect(isConnectionLoss(serverError("no such command: 'endSessions'", 59))).toBe(true);
    expect(isConnectionLoss(serverError('[msg_find.go:344] context canceled'))).toBe(true);
    expect(isConnectionLoss(serverError("no such command: 'foo'", 59))).toBe(false);
  });
});
