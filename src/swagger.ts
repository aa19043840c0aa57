import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { API_PATH_PREFIX, BODY_LIMIT_KIB, HEADER_LIMIT_KIB } from './app.constants';
import { RETRY_AFTER_SECONDS } from './common/problem/api-exception';
import { problemTypeFor, PROBLEM_CONTENT_TYPE, titleFor } from './common/problem/problem';

type JsonObject = Record<string, unknown>;
interface ResponseObject {
  description: string;
  content?: JsonObject;
  headers?: JsonObject;
}
interface OperationObject {
  requestBody?: unknown;
  responses: Record<string, ResponseObject>;
  security?: unknown[];
}

const PROBLEM_SCHEMA = { $ref: '#/components/schemas/ProblemResponseDto' };

/** Responses any operation can give, the health probes' included, whatever its decorators say. */
const HTTP_PROBLEMS: Record<string, string> = {
  '400': 'MALFORMED_REQUEST: the URL or the JSON body cannot be parsed',
  '431': `HEADERS_TOO_LARGE: the request headers exceed ${HEADER_LIMIT_KIB} KiB`,
  '500': 'INTERNAL_ERROR: unexpected; the detail stays opaque, the request_id finds the logs',
};
/** ...and those any operation of the API can give. */
const API_PROBLEMS: Record<string, string> = {
  '422': 'VALIDATION_FAILED: a query parameter the operation does not declare, or a NUL character or lone surrogate in the input',
  '503': 'DATABASE_UNAVAILABLE: retry after Retry-After seconds',
};
/** ...and those of any operation that reads a body. */
const BODY_PROBLEMS: Record<string, string> = {
  '413': `PAYLOAD_TOO_LARGE: the body exceeds ${BODY_LIMIT_KIB} KiB`,
  '415': 'UNSUPPORTED_MEDIA_TYPE: the body is not application/json',
};
/** Problems that tell the client when to come back. */
const RETRY_AFTER_STATUSES = new Set(['429', '503']);
const RETRY_AFTER_HEADER = {
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', example: RETRY_AFTER_SECONDS } },
};

/** The code a problem example shows when the response description names none. */
const DEFAULT_CODES: Record<string, string> = {
  '400': 'MALFORMED_REQUEST',
  '401': 'UNAUTHENTICATED',
  '403': 'FORBIDDEN',
  '404': 'NOT_FOUND',
  '409': 'CONFLICT',
  '412': 'VERSION_MISMATCH',
  '413': 'PAYLOAD_TOO_LARGE',
  '415': 'UNSUPPORTED_MEDIA_TYPE',
  '422': 'VALIDATION_FAILED',
  '429': 'TOO_MANY_LOGIN_ATTEMPTS',
  '431': 'HEADERS_TOO_LARGE',
  '500': 'INTERNAL_ERROR',
  '503': 'DATABASE_UNAVAILABLE',
};

/**
 * The OpenAPI document, as served at /docs-json and committed under openapi/ (see
 * scripts/generate-openapi.ts): built from the decorators, then completed with what holds for
 * every operation (problem responses as application/problem+json), with keys sorted so that
 * the committed file only changes when the API does.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Pawnshop customer records API')
    .setDescription(
      'Customer records of the pawnshop operations system. Log in with POST /api/v1/auth/login, then send ' +
        '`Authorization: Bearer <access_token>`. Errors are RFC 9457 problem documents (application/problem+json).',
    )
    .setVersion('1.0.0')
    .addServer('/', 'This server')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .addTag('auth', 'Login and user management')
    .addTag('customers', 'Customer records, status changes and transactions')
    .addTag('audit', 'Audit trail')
    .addTag('access-log', "Who read which customer's record")
    .addTag('health', 'Liveness and readiness probes')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
  });
  completeProblemResponses(document);
  closeObjectSchemas(document);
  return sortKeysDeep(document);
}

/** Every error is a problem document: declare the common ones, and serve them all as application/problem+json. */
function completeProblemResponses(document: OpenAPIObject): void {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const operation of Object.values(item) as OperationObject[]) {
      if (!operation?.responses) continue;
      const extra = {
        ...HTTP_PROBLEMS,
        ...(path.startsWith(API_PATH_PREFIX) ? API_PROBLEMS : {}),
        ...(operation.requestBody ? BODY_PROBLEMS : {}),
      };
      for (const [status, description] of Object.entries(extra)) {
        operation.responses[status] ??= { description };
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) < 400) continue;
        response.content = {
          [PROBLEM_CONTENT_TYPE]: { schema: PROBLEM_SCHEMA, example: problemExample(Number(status), response.description) },
        };
        if (RETRY_AFTER_STATUSES.has(status)) response.headers = { ...response.headers, ...RETRY_AFTER_HEADER };
      }
      // A method-level @Roles over a class-level one documents bearer auth twice.
      if (operation.security) {
        const seen = new Set<string>();
        operation.security = operation.security.filter((entry) => {
          const key = JSON.stringify(entry);
          return !seen.has(key) && seen.add(key);
        });
      }
    }
  }
}

function problemExample(status: number, description: string): JsonObject {
  const code = /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/.exec(description)?.[0] ?? DEFAULT_CODES[status] ?? 'INTERNAL_ERROR';
  return {
    type: problemTypeFor(code),
    title: titleFor(status),
    status,
    detail: description,
    code,
    request_id: '3f1c2b9e-6a55-4c1e-9b7a-0d4f1c2e8a10',
  };
}

/**
 * Request bodies with unknown fields are refused (422) and responses carry only what their DTO
 * declares: say so, so that clients and the e2e response validator can rely on it.
 */
function closeObjectSchemas(document: OpenAPIObject): void {
  for (const schema of Object.values(document.components?.schemas ?? {}) as JsonObject[]) {
    if (schema.type === 'object' && schema.properties && schema.additionalProperties === undefined) {
      schema.additionalProperties = false;
    }
  }
}

export function sortKeysDeep<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeysDeep) as T;
  if (value === null || typeof value !== 'object') return value;
  const sorted: JsonObject = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeysDeep((value as JsonObject)[key]);
  return sorted as T;
}

/** Swagger UI at /docs and the document at /docs-json. */
export function setupSwagger(app: INestApplication): void {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
}
