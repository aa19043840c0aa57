/**
 * TypeScript client of the pawnshop customer records API. The types in schema.d.ts are
 * generated from openapi/openapi.json by `npm run sdk` (never edit them by hand); this file is
 * the small hand-written wrapper over openapi-fetch. Built and packed as its own package
 * (sdk/package.json): `npm pack` in sdk/ gives the tarball a consumer installs.
 *
 *   const api = createPawnshopClient('http://localhost:3000', token);
 *   const { data, error, response } = await api.GET('/api/v1/customer/{phone}', { params: { path: { phone } } });
 */
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, operations, paths } from './schema';

export type { components, operations, paths };
export type PawnshopClient = Client<paths>;

type Schemas = components['schemas'];
export type Customer = Schemas['CustomerResponseDto'];
export type CustomerCreate = Schemas['CustomerCreateDto'];
export type CustomerUpdate = Schemas['CustomerUpdateDto'];
export type CustomerStats = Schemas['CustomerStatsResponseDto'];
export type CustomerStatus = Schemas['CustomerStatus'];
export type TransactionType = Schemas['TransactionType'];
export type Role = Schemas['Role'];
export type User = Schemas['UserResponseDto'];
export type AuditEvent = Schemas['AuditEventResponseDto'];
export type AuditAction = Schemas['AuditAction'];

/** One page of a list: `{ items, total, page, per_page, pages }`. */
export type Page<T> = Omit<Schemas['Page'], 'items'> & { items: T[] };
export type CustomerPage = Page<Customer>;
export type AuditEventPage = Page<AuditEvent>;
export type UserPage = Page<User>;

/** An RFC 9457 problem document, as every error of the API is shaped. */
export type Problem = Schemas['ProblemResponseDto'];
export type ProblemCode = Schemas['ProblemCode'];
export type InvalidStatusTransitionProblem = Schemas['InvalidStatusTransitionProblem'];
export type CustomerHasActiveLoansProblem = Schemas['CustomerHasActiveLoansProblem'];

/** The problem a code comes with: those with members of their own are typed with them. */
export type ProblemWithCode<C extends ProblemCode> = C extends 'INVALID_STATUS_TRANSITION'
  ? InvalidStatusTransitionProblem
  : C extends 'CUSTOMER_HAS_ACTIVE_LOANS'
    ? CustomerHasActiveLoansProblem
    : Problem & { code: C };

/**
 * A client for the API at `baseUrl` (e.g. `http://localhost:3000`, without /api/v1: the paths
 * carry it), sending `Authorization: Bearer <token>` when a token is given. Lists in the query
 * string (`status`) are sent comma-separated, as the API takes them.
 */
export function createPawnshopClient(
  baseUrl: string,
  token?: string,
  options: Omit<ClientOptions, 'baseUrl' | 'headers'> & { headers?: Record<string, string> } = {},
): PawnshopClient {
  const headers = { ...options.headers, ...(token ? { Authorization: `Bearer ${token}` } : {}) };
  return createClient<paths>({
    querySerializer: { array: { style: 'form', explode: false } },
    ...options,
    baseUrl,
    headers,
  });
}

/** The ETag value to send back in If-Match, from a response that returned one customer. */
export function etagOf(response: Response): string | undefined {
  return response.headers.get('etag') ?? undefined;
}

/** `{ 'If-Match': … }` for a write that applies only at this version (an ETag, or the version number). */
export function ifMatch(etagOrVersion: string | number): { 'If-Match': string } {
  return { 'If-Match': typeof etagOrVersion === 'number' ? `"${etagOrVersion}"` : etagOrVersion };
}

/** A fresh Idempotency-Key: send the same one again to retry a transaction safely. */
export function newIdempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}

/** `{ 'Idempotency-Key': … }`, with a fresh key unless one is given. */
export function idempotencyKey(key: string = newIdempotencyKey()): { 'Idempotency-Key': string } {
  return { 'Idempotency-Key': key };
}

/** Whether `value` is a problem document (with this code, when one is given), narrowed to its type. */
export function isProblem(value: unknown): value is Problem;
export function isProblem<C extends ProblemCode>(value: unknown, code: C): value is ProblemWithCode<C>;
export function isProblem(value: unknown, code?: ProblemCode): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const problem = value as Partial<Problem>;
  if (typeof problem.code !== 'string' || typeof problem.status !== 'number') return false;
  return code === undefined || problem.code === code;
}
