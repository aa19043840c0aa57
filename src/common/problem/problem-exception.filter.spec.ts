import {
  BadRequestException,
  ForbiddenException,
  HttpException,
  NotFoundException,
} from '@nestjs/common';
import {
  MongoClientClosedError,
  MongoExpiredSessionError,
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoServerClosedError,
  MongoServerError,
} from 'mongodb';

import mongoose from 'mongoose';
import { ApiException, validationFailed } from './api-exception';
import { mapError, toProblem } from './problem-exception.filter';

// Raised by the driver's connection pool; not exported from its entry point.
const { PoolClearedOnNetworkError, PoolClosedError, WaitQueueTimeoutError } =
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('mongodb/lib/cmap/errors') as Record<
    'PoolClearedOnNetworkError' | 'PoolClosedError' | 'WaitQueueTimeoutError',
    new (...args: unknown[]) => Error
  >;

describe('mapError', () => {
  it('keeps the status, code, detail, errors and headers of an ApiException', () => {
    const error = new ApiException(429, 'TOO_MANY_LOGIN_ATTEMPTS', 'Slow down.', undefined, {
      'Retry-After': '42',
    });
    expect(mapError(error)).toEqual({
      status: 429,
      code: 'TOO_MANY_LOGIN_ATTEMPTS',
      detail: 'Slow down.',
      errors: undefined,
      headers: { 'Retry-After': '42' },
    });
  });

  it('keeps the field errors of a validation failure', () => {
    const mapped = mapError(
      validationFailed([{ field: 'username', message: 'username must be a string' }]),
    );
    expect(mapped).toMatchObject({
      status: 422,
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'username', message: 'username must be a string' }],
    });
  });

  it("answers Nest's NotFoundException (unknown route) as NOT_FOUND without echoing the path", () => {
    const mapped = mapError(new NotFoundException('Cannot GET /api/v1/secret/internal/path'));
    expect(mapped).toEqual({ status: 404, code: 'NOT_FOUND', detail: 'No such resource.' });
  });

  it('gives other HttpExceptions their default code', () => {
    expect(mapError(new ForbiddenException())).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(mapError(new BadRequestException('bad'))).toMatchObject({
      status: 400,
      code: 'MALFORMED_REQUEST',
      detail: 'bad',
    });
    expect(
      mapError(new BadRequestException("Body is not valid JSON but content-type is set to 'application/json'")),
    ).toMatchObject({ status: 400, code: 'MALFORMED_REQUEST', detail: expect.stringMatching(/not valid JSON.*__proto__/) });
    expect(mapError(new HttpException('Request body is too large', 413))).toMatchObject({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    });
  });

  it('keeps a 5xx HttpException opaque', () => {
    const mapped = mapError(new HttpException('connection string mongodb://user:pw@host', 502));
    expect(mapped.status).toBe(502);
    expect(mapped.detail).not.toContain('mongodb://');
  });

  it.each([
    [
      'MongooseServerSelectionError',
      new mongoose.Error.MongooseServerSelectionError('connect ECONNREFUSED 10.0.0.5:27017'),
    ],
    ['MongoNetworkError', new MongoNetworkError('connection 3 to 10.0.0.5:27017 closed')],
    [
      'MongoServerSelectionError',
      Object.assign(new Error('Server selection timed out after 2000 ms'), {
        name: 'MongoServerSelectionError',
      }),
    ],
    [
      'MongoNotConnectedError',
      Object.assign(new Error('Client must be connected'), { name: 'MongoNotConnectedError' }),
    ],
    // The driver's own subclasses, raised while a pool is cleared or a client reconnects.
    ['PoolClearedOnNetworkError', new PoolClearedOnNetworkError({ address: '10.0.0.5:27017' })],
    ['PoolClosedError', new PoolClosedError({ address: '10.0.0.5:27017' })],
    [
      'WaitQueueTimeoutError',
      new WaitQueueTimeoutError('Timed out while checking out a connection', '10.0.0.5:27017'),
    ],
    [
      'MongoNetworkTimeoutError',
      new MongoNetworkTimeoutError('connection 3 to 10.0.0.5:27017 timed out'),
    ],
    ['MongoServerClosedError', new MongoServerClosedError()],
    ['MongoClientClosedError', new MongoClientClosedError()],
    ['MongoExpiredSessionError', new MongoExpiredSessionError()],
  ])(
    'answers %s as 503 DATABASE_UNAVAILABLE with Retry-After, hiding the driver message',
    (_name, error) => {
      const mapped = mapError(error);
      expect(mapped).toMatchObject({
        status: 503,
        code: 'DATABASE_UNAVAILABLE',
        headers: { 'Retry-After': expect.stringMatching(/^\d+$/) },
      });
      expect(mapped.detail).not.toMatch(/ECONNREFUSED|10\.0\.0\.5|timed out|connected/);
    },
  );

  it('keeps an unknown Error opaque: 500 INTERNAL_ERROR without its message', () => {
    const mapped = mapError(
      new TypeError(
        "Cannot read properties of undefined (reading 'secret') at /srv/app/dist/x.js:12",
      ),
    );
    expect(mapped).toEqual({
      status: 500,
      code: 'INTERNAL_ERROR',
      detail: 'An unexpected error occurred.',
    });
  });

  it('keeps a database server error opaque', () => {
    const error = new MongoServerError({
      message: 'E11000 duplicate key error collection: pawnshop.customers',
      code: 11000,
    });
    expect(mapError(error)).toEqual({
      status: 500,
      code: 'INTERNAL_ERROR',
      detail: 'An unexpected error occurred.',
    });
  });

  it.each([[undefined], [null], ['a thrown string'], [42]])(
    'keeps a thrown non-error %p opaque',
    (thrown) => {
      expect(mapError(thrown)).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
    },
  );

  it('answers Fastify FST_ERR_CTP_BODY_TOO_LARGE as 413 PAYLOAD_TOO_LARGE', () => {
    const error = Object.assign(new Error('Request body is too large'), {
      name: 'FastifyError',
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
      statusCode: 413,
    });
    expect(mapError(error)).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it("answers Fastify's JSON syntax error as 400 MALFORMED_REQUEST", () => {
    const error = Object.assign(new SyntaxError('Unexpected token } in JSON at position 9'), {
      statusCode: 400,
    });
    expect(mapError(error)).toEqual({
      status: 400,
      code: 'MALFORMED_REQUEST',
      detail: 'The request body is not valid JSON.',
    });
  });

  it('answers a badly percent-encoded URL as 400 MALFORMED_REQUEST without echoing it', () => {
    const error = Object.assign(new URIError("'/api/v1/%E0%A4%A' is not a valid url component"), {
      name: 'FastifyError',
      code: 'FST_ERR_BAD_URL',
      statusCode: 400,
    });
    const mapped = mapError(error);
    expect(mapped).toMatchObject({ status: 400, code: 'MALFORMED_REQUEST' });
    expect(mapped.detail).not.toContain('/api/v1');
  });

  it('answers an over-long path parameter as a 422 path validation failure', () => {
    const error = Object.assign(
      new URIError("'/api/v1/auth/users/xxx' is exceeding the max param length"),
      {
        name: 'FastifyError',
        code: 'FST_ERR_MAX_PARAM_LENGTH',
        statusCode: 414,
      },
    );
    expect(mapError(error)).toMatchObject({
      status: 422,
      code: 'VALIDATION_FAILED',
      errors: [expect.objectContaining({ field: 'path' })],
    });
  });

  it('answers an unsupported media type as 415', () => {
    const error = Object.assign(new Error('Unsupported Media Type: text/xml'), {
      name: 'FastifyError',
      code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
      statusCode: 415,
    });
    expect(mapError(error)).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });
});

describe('toProblem', () => {
  it('builds an RFC 9457 document stamped with the request id', () => {
    const problem = toProblem(
      {
        status: 422,
        code: 'VALIDATION_FAILED',
        detail: 'The request is not valid.',
        errors: [{ field: 'role', message: 'bad' }],
      },
      'req-1',
    );
    expect(problem).toEqual({
      type: 'https://pawnshop.example/problems/validation-failed',
      title: 'Unprocessable Content',
      status: 422,
      detail: 'The request is not valid.',
      code: 'VALIDATION_FAILED',
      request_id: 'req-1',
      errors: [{ field: 'role', message: 'bad' }],
    });
  });

  it('adds the members a problem carries, without letting them replace the standard ones', () => {
    const error = new ApiException(409, 'INVALID_STATUS_TRANSITION', 'No.', undefined, undefined, {
      current_status: 'banned',
      allowed_from: ['active'],
    });
    const problem = toProblem(mapError(error), 'req-3');
    expect(problem).toEqual({
      type: 'https://pawnshop.example/problems/invalid-status-transition',
      title: 'Conflict',
      status: 409,
      detail: 'No.',
      code: 'INVALID_STATUS_TRANSITION',
      request_id: 'req-3',
      current_status: 'banned',
      allowed_from: ['active'],
    });
  });

  it('leaves errors out when there are none', () => {
    expect(
      toProblem({ status: 404, code: 'NOT_FOUND', detail: 'No such resource.' }, 'req-2'),
    ).not.toHaveProperty('errors');
  });
});

describe('mapError: a read past its time limit', () => {
  it('is a 503 DATABASE_BUSY with Retry-After, not an opaque 500', () => {
    const error = Object.assign(new Error('operation exceeded time limit'), {
      name: 'MongoServerError',
      code: 50,
    });
    const mapped = mapError(error);
    expect(mapped).toMatchObject({
      status: 503,
      code: 'DATABASE_BUSY',
      headers: { 'Retry-After': '5' },
    });
    expect(mapped.detail).not.toContain('exceeded');
  });
});

describe('mapError: the database going away mid-command', () => {
  it('maps the driver passing on a socket error (EPIPE) to 503, not 500', () => {
    const error = Object.assign(new Error('This socket has been ended by the other party'), {
      code: 'EPIPE',
    });
    expect(mapError(error)).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE' });
  });

  it('maps the database server cancelling its commands as it stops to 503, not 500', () => {
    const error = Object.assign(
      new Error('[msg_find.go:344 handler.handleMaxTimeMSError] context canceled after delay'),
      {
        name: 'MongoServerError',
      },
    );
    expect(mapError(error)).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE' });
  });

  it('keeps other server errors opaque 500s', () => {
    const error = Object.assign(new Error('E11000 something'), {
      name: 'MongoServerError',
      code: 2,
    });
    expect(mapError(error)).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
  });
});
