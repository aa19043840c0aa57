import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { PROBLEM_CONTENT_TYPE } from '../problem/problem';
import { toProblem } from '../problem/problem-exception.filter';
import { ProblemCode } from '../problem/problem-codes';

interface ClientError extends Error {
  code?: string;
}

const CLIENT_ERRORS: Record<string, { status: number; code: ProblemCode; detail: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'REQUEST_TIMEOUT', detail: 'The request was not received in time.' },
  HPE_HEADER_OVERFLOW: { status: 431, code: 'HEADERS_TOO_LARGE', detail: 'The request headers are too large.' },
};
const MALFORMED: { status: number; code: ProblemCode; detail: string } = { status: 400, code: 'MALFORMED_REQUEST', detail: 'The request is not valid HTTP.' };

/**
 * The HTTP parser's errors (headers too large, an invalid header, a duplicate Content-Length, a
 * request too slow to arrive) happen before there is a request: Fastify's `clientErrorHandler`
 * answers them on the raw socket. This one answers with a problem document and a request id,
 * like every other error, and closes the connection.
 */
export function clientErrorHandler(securityHeaders: Readonly<Record<string, string>>) {
  return (error: ClientError, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    if (socket.writable) {
      const mapped = CLIENT_ERRORS[error.code ?? ''] ?? MALFORMED;
      const requestId = randomUUID();
      const body = JSON.stringify(toProblem(mapped, requestId));
      const headers = {
        ...securityHeaders,
        'Content-Type': PROBLEM_CONTENT_TYPE,
        'Content-Length': String(Buffer.byteLength(body)),
        'Cache-Control': 'no-store',
        'X-Request-Id': requestId,
        Connection: 'close',
      };
      const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
      socket.write(`HTTP/1.1 ${mapped.status} ${STATUS_CODES[mapped.status]}\r\n${head}\r\n${body}`);
    }
    socket.destroy(error);
  };
}
