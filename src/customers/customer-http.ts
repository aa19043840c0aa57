import { applyDecorators, createParamDecorator, ExecutionContext, HttpCode } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBody, ApiHeader, ApiResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { API_PREFIX } from '../app.constants';
import { validationFailed } from '../common/problem/api-exception';
import { CustomerResponseDto } from './dto/customer-response.dto';
import { StatusReasonBodyDto } from './dto/status-change.dto';
import {
  IDEMPOTENCY_KEY as IDEMPOTENCY_KEY_PATTERN,
  IF_MATCH,
} from '../common/openapi/patterns';
import { etagFor, parseIfMatch, VersionPrecondition } from './if-match';

const headerOf = (context: ExecutionContext, name: string): unknown =>
  context.switchToHttp().getRequest<FastifyRequest>().headers[name];

/** The parsed `If-Match` header (undefined when absent; 422 when malformed). */
export const IfMatch = createParamDecorator(
  (_data: unknown, context: ExecutionContext): VersionPrecondition | undefined => {
    const value = headerOf(context, 'if-match');
    return parseIfMatch(Array.isArray(value) ? value.join(',') : (value as string | undefined));
  },
);

const IDEMPOTENCY_KEY = new RegExp(IDEMPOTENCY_KEY_PATTERN);

/** The `Idempotency-Key` header (undefined when absent; 422 when not 1-128 safe characters). */
export const IdempotencyKey = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | undefined => {
    const value = headerOf(context, 'idempotency-key');
    if (value === undefined) return undefined;
    if (typeof value === 'string' && IDEMPOTENCY_KEY.test(value)) return value;
    throw validationFailed([
      {
        field: 'Idempotency-Key',
        message: 'Idempotency-Key must be 1-128 characters of letters, digits, _ . : -',
      },
    ]);
  },
);

/** Fastify route config that marks the routes answering with one customer (see ReturnsCustomer). */
interface CustomerRouteConfig {
  customerEtag?: boolean;
  /** A 201 also answers `Location`, the new customer's URL. */
  customerLocation?: boolean;
}

/**
 * Every response that carries one customer also carries its version as ETag. A Fastify
 * `preSerialization` hook (registered once by the app) rather than a Nest interceptor: an
 * interceptor puts every customer response through an RxJS pipeline and an AsyncResource, about
 * 5% of the server's CPU for a get by phone.
 */
export function customerEtagHook(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  done: (error: null, payload: unknown) => void,
): void {
  const config = request.routeOptions?.config as CustomerRouteConfig | undefined;
  const customer = payload as Partial<CustomerResponseDto> | null;
  if (config?.customerEtag && reply.statusCode < 300 && typeof customer?.version === 'number') {
    reply.header('ETag', etagFor(customer.version));
    if (config.customerLocation && reply.statusCode === 201)
      reply.header('Location', `/${API_PREFIX}/customer/${customer.phone_number}`);
  }
  done(null, payload);
}

type HeaderDocs = Record<string, { description: string; schema: { type: 'string'; example: string } }>;

const LOCATION_HEADER: HeaderDocs = {
  Location: {
    description: "The new customer's URL",
    schema: { type: 'string', example: `/${API_PREFIX}/customer/5551234567` },
  },
};

/** Sends one customer with its ETag (set by customerEtagHook), and documents both. */
const returnsCustomer = (
  status: 200 | 201,
  description: string,
  headers: HeaderDocs,
  config: CustomerRouteConfig,
) =>
  applyDecorators(
    HttpCode(status),
    RouteConfig(config),
    ApiResponse({
      status,
      description,
      type: CustomerResponseDto,
      headers: {
        ETag: {
          description: 'The customer version, e.g. "3"; send it back in If-Match',
          schema: { type: 'string', example: '"3"' },
        },
        ...headers,
      },
    }),
  );

/** A route answering one customer. */
export const ReturnsCustomer = (status: 200 | 201, description: string, headers: HeaderDocs = {}) =>
  returnsCustomer(status, description, headers, { customerEtag: true });

/** Sends a newly created customer with its ETag and its Location. */
export const ReturnsCreatedCustomer = (description: string) =>
  returnsCustomer(201, description, LOCATION_HEADER, { customerEtag: true, customerLocation: true });

/**
 * The optional body of a status change. Its first example is `{}`, the body Swagger UI's
 * "Try it out" then sends, so that a reason typed in the query field is not contradicted by an
 * example reason in the body (both present and different is a 422).
 */
export const ApiStatusReasonBody = () =>
  ApiBody({
    type: StatusReasonBodyDto,
    required: true,
    description: 'The reason (or, deprecated, the reason query parameter and no body)',
  });

export const ApiIfMatchHeader = () =>
  ApiHeader({
    name: 'If-Match',
    required: false,
    // No example: Swagger UI's "Try it out" would send it, and a change would meet a 412.
    schema: { type: 'string', pattern: IF_MATCH },
    description:
      'Apply only if the customer is still at this version, e.g. "3" (the ETag of the customer), 3 or *. A weak tag (W/"3") never matches (412); malformed: 422',
  });

export const ApiIdempotencyKeyHeader = () =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    schema: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN, example: 'till-3-7f2c9a' },
    description:
      'A retry with the same key (per customer) returns the first result and changes nothing. 1-128 characters of A-Z a-z 0-9 _ . : -',
  });
