import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { API_PATH_PREFIX, API_VERSION, BODY_LIMIT_KIB, HEADER_LIMIT_KIB } from './app.constants';
import { codesNamedIn, problemComponents, problemExampleMembers, problemSchemaFor } from './common/openapi/problem-schemas';
import { tidySchemas } from './common/openapi/tidy';
import { RETRY_AFTER_SECONDS } from './common/problem/api-exception';
import { problemTypeFor, PROBLEM_CONTENT_TYPE, titleFor } from './common/problem/problem';
import { ProblemCode } from './common/problem/problem-codes';

type JsonObject = Record<string, unknown>;
interface ResponseObject {
  description: string;
  content?: JsonObject;
  headers?: JsonObject;
}
interface ParameterObject {
  in: string;
  name: string;
  schema?: JsonObject;
  style?: string;
  explode?: boolean;
}
interface OperationObject {
  requestBody?: unknown;
  responses: Record<string, ResponseObject>;
  security?: unknown[];
  parameters?: ParameterObject[];
  description?: string;
  'x-roles'?: string[];
}

/** Responses any operation can give, the health probes' included, whatever its decorators say. */
const HTTP_PROBLEMS: Record<string, string> = {
  '400': 'MALFORMED_REQUEST: the URL or the JSON body cannot be parsed',
  '431': `HEADERS_TOO_LARGE: the request headers exceed ${HEADER_LIMIT_KIB} KiB`,
  '500': 'INTERNAL_ERROR: unexpected; the detail stays opaque, the request_id finds the logs',
};
/** ...and those any operation of the API can give. */
const API_PROBLEMS: Record<string, string> = {
  '422': 'VALIDATION_FAILED: a query parameter the operation does not declare, or a NUL character or lone surrogate in the input',
  '503': 'DATABASE_UNAVAILABLE or DATABASE_BUSY (a read past its time limit): retry after Retry-After seconds',
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
const WWW_AUTHENTICATE_HEADER = {
  'WWW-Authenticate': { description: 'The scheme to authenticate with: Bearer', schema: { type: 'string', example: 'Bearer' } },
};
/** Every response carries the request id (SPEC *Conventions*). */
const REQUEST_ID_HEADER = {
  'X-Request-Id': {
    description: 'The request id: echoed from the request when it is a sane token, generated otherwise; also in logs and problem bodies',
    schema: { type: 'string', example: '3f1c2b9e-6a55-4c1e-9b7a-0d4f1c2e8a10' },
  },
};

/** Success responses whose decorators gave no description. */
const SUCCESS_DESCRIPTIONS: Record<string, string> = { '200': 'OK', '201': 'Created', '204': 'Done; no body' };

/** Body schemas that need at least one field (the service answers `{}` with a 422). */
const AT_LEAST_ONE_FIELD = ['CustomerUpdateDto', 'UserUpdateDto'];

/** The code a problem example shows when the response description names none. */
const DEFAULT_CODES: Record<string, ProblemCode> = {
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
export function buildOpenApiDocument(app: INestApplication, publicUrl: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Pawnshop customer records API')
    .setDescription(
      'Customer records of the pawnshop operations system. Log in with POST /api/v1/auth/login, then send ' +
        '`Authorization: Bearer <access_token>`. Errors are RFC 9457 problem documents (application/problem+json).',
    )
    .setVersion(API_VERSION)
    .addServer(publicUrl, 'The service (PUBLIC_URL)')
    .addServer('/', 'The origin serving this document (Swagger UI)')
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
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...problemComponents() } };
  completeProblemResponses(document);
  describeOperations(document);
  closeObjectSchemas(document);
  return sortKeysDeep(tidySchemas(document));
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
      for (const [status, shared] of Object.entries(operation.responses)) {
        // Class-level decorators give every operation the same response object: change a copy.
        const response: ResponseObject = (operation.responses[status] = { ...shared });
        response.headers = { ...response.headers, ...REQUEST_ID_HEADER };
        if (Number(status) < 400) {
          response.description ||= SUCCESS_DESCRIPTIONS[status] ?? 'Success';
          continue;
        }
        const named = codesNamedIn(response.description);
        const codes = named.length > 0 ? named : [DEFAULT_CODES[status] ?? 'INTERNAL_ERROR'];
        if (named.length === 0) response.description = `${codes[0]}${response.description ? `: ${response.description}` : ''}`;
        response.content = {
          [PROBLEM_CONTENT_TYPE]: { schema: problemSchemaFor(codes), example: problemExample(Number(status), codes[0], response.description) },
        };
        if (RETRY_AFTER_STATUSES.has(status)) response.headers = { ...response.headers, ...RETRY_AFTER_HEADER };
        if (status === '401') response.headers = { ...response.headers, ...WWW_AUTHENTICATE_HEADER };
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

/**
 * What the decorators cannot say: who may call (from x-roles), list parameters taken
 * comma-separated, and bodies that need at least one field.
 */
function describeOperations(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as OperationObject[]) {
      if (!operation?.responses) continue;
      const roles = operation['x-roles'];
      if (roles) {
        const who = roles.includes('admin') ? 'admin' : 'staff or admin';
        operation.description = [operation.description, `Requires role: ${who}.`].filter(Boolean).join('\n\n');
      }
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in === 'query' && parameter.schema?.type === 'array') {
          parameter.style = 'form';
          parameter.explode = false;
          // `status=` (an empty list) is refused like any other value that names no status.
          parameter.schema.minItems = 1;
        }
      }
    }
  }
  const schemas = (document.components?.schemas ?? {}) as Record<string, JsonObject>;
  for (const name of AT_LEAST_ONE_FIELD) if (schemas[name]) schemas[name].minProperties = 1;
}

function problemExample(status: number, code: ProblemCode, description: string): JsonObject {
  return {
    ...problemExampleMembers(code),
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
export function setupSwagger(app: INestApplication, publicUrl: string): void {
  const document = buildOpenApiDocument(app, publicUrl);
  // The document as committed (PUBLIC_URL first, for generated clients) at /docs-json ...
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', ui: false, raw: ['json'] });
  // ... and Swagger UI trying requests against the origin that serves it, whatever PUBLIC_URL says.
  const servers = document.servers ?? [];
  const forUi = { ...document, servers: [...servers.filter((s) => s.url === '/'), ...servers.filter((s) => s.url !== '/')] };
  SwaggerModule.setup('docs', app, forUi, {
    ui: true,
    raw: false,
    swaggerOptions: { persistAuthorization: true },
  });
}
