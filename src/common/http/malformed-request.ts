import type { FastifyRequest } from 'fastify';
import { ApiException } from '../problem/api-exception';

/** Whether the URL's query string holds percent-encoding that is not UTF-8. */
function hasBadlyEncodedQuery(url: string): boolean {
  const start = url.indexOf('?');
  if (start < 0 || !url.includes('%', start)) return false;
  try {
    decodeURIComponent(url.slice(start + 1));
    return false;
  } catch {
    return true;
  }
}

const malformed = (detail: string) => new ApiException(400, 'MALFORMED_REQUEST', detail);

/** What Node's parser lets through but HTTP refuses: a 400 problem, or undefined. */
export function malformedRequest(request: FastifyRequest): Error | undefined {
  if (request.raw.httpVersion === '1.1' && request.headers.host === undefined)
    return malformed('An HTTP/1.1 request needs a Host header.');
  // The query parser would turn bad percent-encoding into U+FFFD; a path gets a 400 for it.
  if (hasBadlyEncodedQuery(request.url)) return malformed('The query string is not validly percent-encoded.');
  return undefined;
}
