import {
  ConfigError,
  DEFAULT_POSTGRES_SERVER,
  embeddedDatabaseFromEnv,
  DEV_ADMIN_PASSWORD,
  DEV_JWT_SECRET,
  loadConfig,
  parseDurationSeconds,
} from './app-config';

const STRONG_SECRET = 'a-production-secret-of-at-least-32-bytes!';
const PRODUCTION = {
  NODE_ENV: 'production',
  MONGODB_URI: 'mongodb://db.internal:27017/pawnshop',
  JWT_SECRET: STRONG_SECRET,
  ADMIN_PASSWORD: 'a-real-admin-password',
};

function without(env: NodeJS.ProcessEnv, name: string): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => key !== name));
}

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected loadConfig to refuse this environment');
}

describe('loadConfig', () => {
  it('runs a fresh development checkout with safe defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 3000,
      mongodbUri: undefined,
      jwt: {
        secret: DEV_JWT_SECRET,
        expiresInSeconds: 3600,
        issuer: 'pawnshop-customers',
        audience: 'pawnshop-api',
      },
      admin: { username: 'admin', password: DEV_ADMIN_PASSWORD },
      logLevel: 'info',
      swaggerEnabled: true,
      corsOrigins: [],
      bodyLimitBytes: 16 * 1024,
      identityCacheMs: 1000,
    });
  });

  it('reads every documented variable', () => {
    const config = loadConfig({
      ...PRODUCTION,
      PORT: '8080',
      JWT_EXPIRES_IN: '15m',
      ADMIN_USERNAME: '  Boss.Admin ',
      LOG_LEVEL: 'warn',
      AUTH_USER_CACHE_MS: '0',
    });
    expect(config).toMatchObject({
      nodeEnv: 'production',
      port: 8080,
      mongodbUri: PRODUCTION.MONGODB_URI,
      jwt: { secret: STRONG_SECRET, expiresInSeconds: 900 },
      admin: { username: 'boss.admin', password: PRODUCTION.ADMIN_PASSWORD },
      logLevel: 'warn',
      swaggerEnabled: false,
      identityCacheMs: 0,
    });
  });

  it('is silent under test unless LOG_LEVEL says otherwise', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).logLevel).toBe('silent');
    expect(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
  });

  it('accepts a complete production environment', () => {
    expect(() => loadConfig(PRODUCTION)).not.toThrow();
  });

  describe('refuses to start production', () => {
    it('without JWT_SECRET', () => {
      expect(problemsOf(without(PRODUCTION, 'JWT_SECRET'))).toEqual([
        expect.stringContaining('JWT_SECRET is required'),
      ]);
    });

    it('with an empty JWT_SECRET', () => {
      expect(problemsOf({ ...PRODUCTION, JWT_SECRET: '' })).toEqual([
        expect.stringContaining('JWT_SECRET'),
      ]);
    });

    it('with the development JWT secret', () => {
      expect(problemsOf({ ...PRODUCTION, JWT_SECRET: DEV_JWT_SECRET })).toEqual([
        expect.stringContaining('JWT_SECRET'),
      ]);
    });

    it('with a JWT secret shorter than 32 bytes', () => {
      expect(problemsOf({ ...PRODUCTION, JWT_SECRET: 'x'.repeat(31) })).toEqual([
        expect.stringContaining('32 bytes'),
      ]);
      expect(() => loadConfig({ ...PRODUCTION, JWT_SECRET: 'x'.repeat(32) })).not.toThrow();
    });

    it('counts the secret in bytes, not characters', () => {
      // 16 characters, 32 bytes in UTF-8
      expect(() => loadConfig({ ...PRODUCTION, JWT_SECRET: 'é'.repeat(16) })).not.toThrow();
      expect(problemsOf({ ...PRODUCTION, JWT_SECRET: 'é'.repeat(15) })).toEqual([
        expect.stringContaining('32 bytes'),
      ]);
    });

    it('without MONGODB_URI (or with a blank one)', () => {
      expect(problemsOf(without(PRODUCTION, 'MONGODB_URI'))).toEqual([
        expect.stringContaining('MONGODB_URI is required'),
      ]);
      expect(problemsOf({ ...PRODUCTION, MONGODB_URI: '   ' })).toEqual([
        expect.stringContaining('MONGODB_URI'),
      ]);
    });

    it('without ADMIN_PASSWORD or with the development one', () => {
      expect(problemsOf(without(PRODUCTION, 'ADMIN_PASSWORD'))).toEqual([
        expect.stringContaining('ADMIN_PASSWORD'),
      ]);
      expect(problemsOf({ ...PRODUCTION, ADMIN_PASSWORD: DEV_ADMIN_PASSWORD })).toEqual([
        expect.stringContaining('ADMIN_PASSWORD'),
      ]);
    });

    it('naming every problem at once in the message', () => {
      const error = (() => {
        try {
          loadConfig({ NODE_ENV: 'production' });
        } catch (e) {
          return e as ConfigError;
        }
      })();
      expect(error).toBeInstanceOf(ConfigError);
      expect(error!.message).toMatch(/JWT_SECRET/);
      expect(error!.message).toMatch(/MONGODB_URI/);
      expect(error!.message).toMatch(/ADMIN_PASSWORD/);
    });
  });

  it('refuses an admin password shorter than 12 characters in any environment', () => {
    expect(problemsOf({ ADMIN_PASSWORD: 'short-pass1' })).toEqual([
      expect.stringContaining('12 characters'),
    ]);
    expect(problemsOf({ ...PRODUCTION, ADMIN_PASSWORD: 'short-pass1' })).toEqual([
      expect.stringContaining('12 characters'),
    ]);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ JWT_EXPIRES_IN: 'soon' }, 'JWT_EXPIRES_IN'],
    [{ JWT_EXPIRES_IN: '0' }, 'JWT_EXPIRES_IN'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ JWT_SECRET: '' }, 'JWT_SECRET'],
    [{ AUTH_USER_CACHE_MS: '-1' }, 'AUTH_USER_CACHE_MS'],
    [{ AUTH_USER_CACHE_MS: '1.5' }, 'AUTH_USER_CACHE_MS'],
    [{ AUTH_USER_CACHE_MS: 'soon' }, 'AUTH_USER_CACHE_MS'],
  ])('refuses %p', (env, variable) => {
    expect(problemsOf(env)).toEqual([expect.stringContaining(variable)]);
  });
});

describe('parseDurationSeconds', () => {
  it.each([
    ['3600', 3600],
    ['3600s', 3600],
    ['15m', 900],
    ['1h', 3600],
    ['7d', 604800],
    [' 2h ', 7200],
  ])('%p is %p seconds', (input, seconds) => {
    expect(parseDurationSeconds(input)).toBe(seconds);
  });

  it.each(['', '0', '0h', '-5', '1.5h', '1w', 'h', '1 hour', '1h30m'])(
    '%p is malformed',
    (input) => {
      expect(parseDurationSeconds(input)).toBeUndefined();
    },
  );
});

describe('embeddedDatabaseFromEnv', () => {
  it('defaults to auto on the local PostgreSQL server, data folder .data/ferretdb', () => {
    const defaults = embeddedDatabaseFromEnv({});
    expect(defaults.backend).toBe('auto');
    expect(defaults.postgresUrl).toBe(DEFAULT_POSTGRES_SERVER);
    expect(defaults.dataDir).toMatch(/\.data[/\\]ferretdb$/);
  });

  it('takes the documented variables', () => {
    expect(
      embeddedDatabaseFromEnv({
        EMBEDDED_DB_BACKEND: 'sqlite',
        EMBEDDED_DB_DIR: '/srv/data',
        EMBEDDED_DB_POSTGRES_URL: 'postgres://app@db:5433/shop',
      }),
    ).toEqual({
      backend: 'sqlite',
      dataDir: '/srv/data',
      postgresUrl: 'postgres://app@db:5433/shop',
    });
  });

  it('refuses an unknown backend', () => {
    const problems: string[] = [];
    embeddedDatabaseFromEnv({ EMBEDDED_DB_BACKEND: 'mysql' }, problems);
    expect(problems).toEqual([expect.stringMatching(/auto, sqlite or postgresql/)]);
    expect(() => loadConfig({ EMBEDDED_DB_BACKEND: 'mysql' })).toThrow(/auto, sqlite or postgresql/);
  });
});
