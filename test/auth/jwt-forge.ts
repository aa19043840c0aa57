import { createHmac, randomUUID } from 'node:crypto';
import { TEST_JWT_SECRET } from '../support/test-app';

/** Builds tokens by hand, so the tests can present every kind of bad token to the API. */
export const ISSUER = 'pawnshop-customers';
export const AUDIENCE = 'pawnshop-api';

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

export function hmac(algorithm: 'sha256' | 'sha512', signingInput: string, secret: string): string {
  return createHmac(algorithm, secret).update(signingInput).digest('base64url');
}

export interface ForgeOptions {
  secret?: string;
  header?: Record<string, unknown>;
  /** Overrides the signature; '' gives an unsigned token. */
  signature?: string;
}

export function forgeToken(claims: Record<string, unknown>, options: ForgeOptions = {}): string {
  const header = options.header ?? { alg: 'HS256', typ: 'JWT' };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const algorithm = header.alg === 'HS512' ? 'sha512' : 'sha256';
  const signature =
    options.signature ?? hmac(algorithm, signingInput, options.secret ?? TEST_JWT_SECRET);
  return `${signingInput}.${signature}`;
}

/** Claims the service itself would issue for this user, valid for an hour. */
export function validClaims(sub: string, role: string): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { sub, role, iat: now, exp: now + 3600, iss: ISSUER, aud: AUDIENCE, jti: randomUUID() };
}

export function decodePart(token: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index], 'base64url').toString('utf8'));
}

/** Replaces the payload of a real token, keeping its original header and signature. */
export function withPayload(token: string, claims: Record<string, unknown>): string {
  const [header, , signature] = token.split('.');
  return `${header}.${base64url(JSON.stringify(claims))}.${signature}`;
}
