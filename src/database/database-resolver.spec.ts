import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  chooseBackend,
  POSTGRES_DATABASE_FILE,
  postgresDatabaseUrl,
} from './database-resolver';
import { DEFAULT_POSTGRES_SERVER } from '../config/app-config';

describe('chooseBackend', () => {
  const url = DEFAULT_POSTGRES_SERVER;
  it('auto: PostgreSQL when it answers, SQLite when it does not', async () => {
    expect(await chooseBackend({ backend: 'auto', postgresUrl: url }, async () => true)).toBe(
      'postgresql',
    );
    expect(await chooseBackend({ backend: 'auto', postgresUrl: url }, async () => false)).toBe(
      'sqlite',
    );
  });

  it('an explicit backend is kept without asking PostgreSQL', async () => {
    const answers = jest.fn(async () => true);
    expect(await chooseBackend({ backend: 'sqlite', postgresUrl: url }, answers)).toBe('sqlite');
    expect(await chooseBackend({ backend: 'postgresql', postgresUrl: url }, answers)).toBe(
      'postgresql',
    );
    expect(answers).not.toHaveBeenCalled();
  });
});

describe('postgresDatabaseUrl', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'resolver-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives a fresh data folder a database of its own, and finds it again', () => {
    const first = postgresDatabaseUrl(DEFAULT_POSTGRES_SERVER, join(dir, 'a'));
    expect(first).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:5432\/pawnshop_[0-9a-f]{12}$/);
    expect(postgresDatabaseUrl(DEFAULT_POSTGRES_SERVER, join(dir, 'a'))).toBe(first);
    expect(readFileSync(join(dir, 'a', POSTGRES_DATABASE_FILE), 'utf8').trim()).toBe(
      new URL(first).pathname.slice(1),
    );
    expect(postgresDatabaseUrl(DEFAULT_POSTGRES_SERVER, join(dir, 'b'))).not.toBe(first);
  });

  it('uses the database the URL names', () => {
    expect(postgresDatabaseUrl('postgres://app@db:5433/shop', dir)).toBe(
      'postgres://app@db:5433/shop',
    );
  });

  it('replaces a tampered name in the folder instead of using it', () => {
    writeFileSync(join(dir, POSTGRES_DATABASE_FILE), 'x"; DROP DATABASE postgres; --\n');
    expect(postgresDatabaseUrl(DEFAULT_POSTGRES_SERVER, dir)).toMatch(/\/pawnshop_[0-9a-f]{12}$/);
  });
});
