import type { FastifyRequest } from 'fastify';
import { ApiException } from '../problem/api-exception';
import { malformedRequest } from './malformed-request';

const request = (url: string, headers: Record<string, string> = { host: 'x' }, httpVersion = '1.1') =>
  ({ url, headers, raw: { httpVersion } }) as unknown as FastifyRequest;

describe('malformedRequest', () => {
  it.each(['/api/v1/customer', '/api/v1/customer?search=jos%C3%A9', '/a?x=%20&y=1', '/a?'])('lets %s through', (url) => {
    expect(malformedRequest(request(url))).toBeUndefined();
  });

  it.each(['/a?reason=%ED%A0%80', '/a?x=%FF', '/a?x=%E0%A4%A', '/a?x=50%'])('refuses the query of %s (400)', (url) => {
    const error = malformedRequest(request(url));
    expect(error).toBeInstanceOf(ApiException);
    expect((error as ApiException).getStatus()).toBe(400);
  });

  it('refuses an HTTP/1.1 request without Host, not an HTTP/1.0 one', () => {
    expect(malformedRequest(request('/health/live', {}))).toBeInstanceOf(ApiException);
    expect(malformedRequest(request('/health/live', {}, '1.0'))).toBeUndefined();
  });
});
