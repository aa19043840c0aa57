import { join } from 'node:path';
import { BODY_LIMIT_BYTES } from '../app.constants';
import { LOG_LEVELS, LogLevel } from '../common/logging/log-level';
import { ROLES, Role } from '../common/roles';
import { dataFolderSecret } from './data-folder-secret';

/**
 * Typed configuration, read from the environment once at start-up and validated.
 * Anything unsafe for production is refused there with a message naming the variable.
 */
export type NodeEnv = 'development' | 'test' | 'production';
export type { LogLevel } from '../common/logging/log-level';

export interface AppConfig {
  nodeEnv: NodeEnv;
  port: number;
  /** The address to listen on: 127.0.0.1 unless HOST says otherwise (the Docker image sets 0.0.0.0). */
  host: string;
  /** DATA_DIR: the generated JWT secret, and the embedded database unless EMBEDDED_DB_DIR says otherwise. */
  dataDir: string;
  /** Where clients reach the service: the first `servers` entry of the OpenAPI document. */
  publicUrl: string;
  mongodbUri?: string;
  /** With MONGODB_URI naming a FerretDB on PostgreSQL: that PostgreSQL database, for its indexes. */
  ferretDbPostgresUrl?: string;
  /** The database started without MONGODB_URI. */
  embeddedDatabase: EmbeddedDatabaseSettings;
  jwt: { secret: string; expiresInSeconds: number; issuer: string; audience: string };
  /** No password: the first start generates one, prints it once and requires a change at first login. */
  admin: { username: string; password?: string };
  /** Roles that must sign in with a second factor (MFA_REQUIRED_ROLES; `none`: none). */
  mfaRequiredRoles: Role[];
  /** Who read which customer's record (ACCESS_LOG=off turns it off, for measurements). */
  accessLog: { enabled: boolean; retentionDays: number };
  logLevel: LogLevel;
  swaggerEnabled: boolean;
  corsOrigins: string[];
  bodyLimitBytes: number;
  requestTimeoutMs: number;
  /** How long a token's user (role, active) is remembered; changes through this instance apply at once. */
  identityCacheMs: number;
  /** How long the first response to a keyed transaction is kept for retries (IDEMPOTENCY_RETENTION_HOURS). */
  idempotencyRetentionMs: number;
}

export type EmbeddedBackendChoice = 'postgresql' | 'sqlite' | 'auto';

/** The embedded FerretDB: which backend, where its data lives. */
export interface EmbeddedDatabaseSettings {
  /** `auto`: PostgreSQL (a clear start-up error when none answers at `postgresUrl`); `sqlite` only when asked for. */
  backend: EmbeddedBackendChoice;
  /** The local data folder: SQLite's files, or the name of this folder's PostgreSQL database. */
  dataDir: string;
  /** PostgreSQL server (and database, when the URL names one); ignored by the SQLite backend. */
  postgresUrl: string;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

export const DEFAULT_POSTGRES_SERVER = 'postgres://postgres@127.0.0.1:5432';
const EMBEDDED_BACKENDS: EmbeddedBackendChoice[] = ['auto', 'sqlite', 'postgresql'];

/** Published in earlier versions' source and README: refused everywhere. */
export const DEV_JWT_SECRET = 'development-only-jwt-secret-do-not-use-in-production';
export const DEV_ADMIN_USERNAME = 'admin';
export const DEV_ADMIN_PASSWORD = 'change-me-admin-password';
export const DEFAULT_DATA_DIR = join(__dirname, '..', '..', '.data');
export const DEFAULT_ACCESS_LOG_RETENTION_DAYS = 730;
const MIN_PRODUCTION_SECRET_BYTES = 32;
const MIN_PASSWORD_LENGTH = 12;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses `3600`, `3600s`, `15m`, `1h`, `7d` into seconds; undefined when malformed. */
export function parseDurationSeconds(value: string): number | undefined {
  const match = /^(\d+)\s*([smhd]?)$/.exec(value.trim());
  if (!match) return undefined;
  const unitSeconds = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  const seconds = Number(match[1]) * unitSeconds;
  return seconds > 0 ? seconds : undefined;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const nodeEnv = parseNodeEnv(env.NODE_ENV, problems);
  const production = nodeEnv === 'production';

  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push('PORT must be an integer 0-65535');

  const publicUrl = (env.PUBLIC_URL?.trim() || `http://localhost:${port}`).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/.test(publicUrl))
    problems.push('PUBLIC_URL must be an absolute http(s) URL, e.g. https://customers.example.com');

  const mongodbUri = env.MONGODB_URI?.trim() || undefined;
  if (production && !mongodbUri) problems.push('MONGODB_URI is required in production');

  const dataDir = env.DATA_DIR?.trim() || DEFAULT_DATA_DIR;
  const host = env.HOST?.trim() || '127.0.0.1';

  // Outside production a missing secret is generated once per data folder (never a constant
  // from the source, which anyone could use to forge tokens).
  let secret = env.JWT_SECRET ?? '';
  if (secret === DEV_JWT_SECRET) problems.push('JWT_SECRET must not be the published development value');
  else if (production) {
    if (!env.JWT_SECRET) problems.push('JWT_SECRET is required in production');
    else if (Buffer.byteLength(secret) < MIN_PRODUCTION_SECRET_BYTES)
      problems.push(`JWT_SECRET must be at least ${MIN_PRODUCTION_SECRET_BYTES} bytes in production`);
  } else if (env.JWT_SECRET === undefined) secret = dataFolderSecret(dataDir);
  else if (!secret) problems.push('JWT_SECRET must not be empty');

  const expiresInSeconds = parseDurationSeconds(env.JWT_EXPIRES_IN ?? '1h');
  if (expiresInSeconds === undefined) problems.push('JWT_EXPIRES_IN must look like 3600, 15m, 1h or 7d');

  const adminUsername = env.ADMIN_USERNAME ?? DEV_ADMIN_USERNAME;
  const adminPassword = env.ADMIN_PASSWORD || undefined;
  if (production && !adminPassword) problems.push('ADMIN_PASSWORD is required in production');
  else if (adminPassword === DEV_ADMIN_PASSWORD)
    problems.push('ADMIN_PASSWORD must not be the published development value');
  else if (adminPassword !== undefined && adminPassword.length < MIN_PASSWORD_LENGTH)
    problems.push(`ADMIN_PASSWORD must have at least ${MIN_PASSWORD_LENGTH} characters`);

  const mfaRequiredRoles = parseRoles(env.MFA_REQUIRED_ROLES ?? 'admin', problems);

  const accessLogEnabled = parseBoolean(env.ACCESS_LOG) ?? true;
  const retentionDays = Number(env.ACCESS_LOG_RETENTION_DAYS ?? DEFAULT_ACCESS_LOG_RETENTION_DAYS);
  if (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > 36_500)
    problems.push('ACCESS_LOG_RETENTION_DAYS must be an integer from 1 to 36500');

  const logLevel = (env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info')) as LogLevel;
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);

  const identityCacheMs = Number(env.AUTH_USER_CACHE_MS ?? 1000);
  if (!Number.isInteger(identityCacheMs) || identityCacheMs < 0 || identityCacheMs > 60_000)
    problems.push('AUTH_USER_CACHE_MS must be an integer from 0 to 60000');

  const idempotencyRetentionHours = Number(env.IDEMPOTENCY_RETENTION_HOURS ?? 168);
  if (!Number.isInteger(idempotencyRetentionHours) || idempotencyRetentionHours < 1 || idempotencyRetentionHours > 8760)
    problems.push('IDEMPOTENCY_RETENTION_HOURS must be an integer from 1 to 8760');

  const embeddedDatabase = embeddedDatabaseFromEnv(env, problems);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    nodeEnv,
    port,
    host,
    dataDir,
    publicUrl,
    mongodbUri,
    ferretDbPostgresUrl: env.FERRETDB_POSTGRES_URL?.trim() || undefined,
    embeddedDatabase,
    jwt: {
      secret,
      expiresInSeconds: expiresInSeconds as number,
      issuer: 'pawnshop-customers',
      audience: 'pawnshop-api',
    },
    admin: { username: adminUsername.trim().toLowerCase(), password: adminPassword },
    mfaRequiredRoles,
    accessLog: { enabled: accessLogEnabled, retentionDays },
    logLevel,
    swaggerEnabled: parseBoolean(env.SWAGGER_ENABLED) ?? !production,
    corsOrigins: (env.CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean),
    bodyLimitBytes: BODY_LIMIT_BYTES,
    requestTimeoutMs: Number(env.REQUEST_TIMEOUT_MS ?? 10_000),
    identityCacheMs,
    idempotencyRetentionMs: idempotencyRetentionHours * 60 * 60 * 1000,
  };
}

/** `npm start` without MONGODB_URI: FerretDB on the local PostgreSQL (SQLite only when asked for). */
export function embeddedDatabaseFromEnv(
  env: NodeJS.ProcessEnv,
  problems: string[] = [],
): EmbeddedDatabaseSettings {
  const backend = (env.EMBEDDED_DB_BACKEND || 'auto') as EmbeddedBackendChoice;
  if (!EMBEDDED_BACKENDS.includes(backend))
    problems.push('EMBEDDED_DB_BACKEND must be auto, sqlite or postgresql');
  return {
    backend,
    dataDir: env.EMBEDDED_DB_DIR || join(env.DATA_DIR?.trim() || DEFAULT_DATA_DIR, 'ferretdb'),
    postgresUrl: env.EMBEDDED_DB_POSTGRES_URL || DEFAULT_POSTGRES_SERVER,
  };
}

function parseNodeEnv(value: string | undefined, problems: string[]): NodeEnv {
  const nodeEnv = value ?? 'development';
  if (nodeEnv === 'development' || nodeEnv === 'test' || nodeEnv === 'production') return nodeEnv;
  problems.push('NODE_ENV must be development, test or production');
  return 'development';
}

/** `admin`, `staff,admin`, or `none`. */
function parseRoles(value: string, problems: string[]): Role[] {
  const names = value.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
  if (names.length === 1 && names[0] === 'none') return [];
  const unknown = names.filter((name) => !(ROLES as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) {
    problems.push(`MFA_REQUIRED_ROLES must be a comma list of ${ROLES.join(', ')}, or none`);
    return [];
  }
  return [...new Set(names)] as Role[];
}

function parseBoolean(value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  return ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}
