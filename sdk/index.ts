/**
 * TypeScript client of the pawnshop customer records API. The types in schema.d.ts are
 * generated from openapi/openapi.json by `npm run sdk` (never edit them by hand); this file is
 * the small hand-written wrapper over openapi-fetch.
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
export type CustomerPage = Schemas['CustomerPageResponseDto'];
export type CustomerCreate = Schemas['CustomerCreateDto'];
export type CustomerUpdate = Schemas['CustomerUpdateDto'];
export type CustomerStats = Schemas['CustomerStatsResponseDto'];
export type AuditEvent = Schemas['AuditEventResponseDto'];
export type AuditEventPage = Schemas['AuditEventPageResponseDto'];
export type Problem = Schemas['ProblemResponseDto'];

/**
 * A client for the API at `baseUrl` (e.g. `http://localhost:3000`, without /api/v1: the paths
 * carry it), sending `Authorization: Bearer <token>` when a token is given.
 */
export function createPawnshopClient(
  baseUrl: string,
  token?: string,
  options: Omit<ClientOptions, 'baseUrl' | 'headers'> & { headers?: Record<string, string> } = {},
): PawnshopClient {
  const headers = { ...options.headers, ...(token ? { Authorization: `Bearer ${token}` } : {}) };
  return createClient<paths>({ ...options, baseUrl, headers });
}

/** The ETag value to send back in If-Match, from a response that returned one customer. */
export function etagOf(response: Response): string | undefined {
  return response.headers.get('etag') ?? undefined;
}
