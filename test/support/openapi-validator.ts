import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Response, Test } from 'supertest';
import type TestAgent from 'supertest/lib/agent';

/**
 * Checks responses against the committed OpenAPI document: the operation (method + path
 * template) exists, it declares the status (or `default`), the content type is one it declares,
 * and the body matches that media type's schema. Requests to no documented operation may only
 * be answered with a problem document (unknown route, malformed URL, unsupported method).
 */
export const OPENAPI_FILE = join(__dirname, '..', '..', 'openapi', 'openapi.json');
const DOCUMENT_ID = 'openapi.json';
const PROBLEM_SCHEMA = '#/components/schemas/ProblemResponseDto';
/** Swagger UI and the document itself are served by @nestjs/swagger, outside the document. */
const UNDOCUMENTED_PREFIXES = ['/docs'];

interface MediaTypeObject {
  schema?: unknown;
}
interface ResponseObject {
  content?: Record<string, MediaTypeObject>;
}
interface OperationObject {
  operationId: string;
  responses: Record<string, ResponseObject>;
}
interface Route {
  template: string;
  pattern: RegExp;
  params: number;
  methods: Record<string, OperationObject>;
}

export interface ResponseSample {
  method: string;
  /** The request URL's path and query, as sent. */
  url: string;
  status: number;
  contentType?: string;
  /** The parsed JSON body, or the raw text when it is not JSON. */
  body: unknown;
  /** Whether the response had a body at all. */
  hasBody: boolean;
}

const document = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as { paths: Record<string, Record<string, OperationObject>> };
const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);
ajv.addFormat('password', true);
ajv.addSchema(document, DOCUMENT_ID);

const routes: Route[] = Object.entries(document.paths)
  .map(([template, methods]) => ({
    template,
    methods,
    params: (template.match(/\{[^}]+\}/g) ?? []).length,
    pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
  }))
  // A literal segment wins over a parameter: /customer/stats is not /customer/{phone}.
  .sort((a, b) => a.params - b.params);

const validators = new Map<string, ValidateFunction>();

function validatorFor(pointer: string): ValidateFunction {
  let validate = validators.get(pointer);
  if (!validate) {
    validate = ajv.compile({ $ref: `${DOCUMENT_ID}${pointer}` });
    validators.set(pointer, validate);
  }
  return validate;
}

const escapePointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

function pathOf(url: string): string {
  const path = new URL(url, 'http://localhost').pathname;
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

function mediaTypeOf(contentType: string | undefined): string | undefined {
  return contentType?.split(';')[0].trim().toLowerCase() || undefined;
}

function schemaErrors(validate: ValidateFunction, body: unknown): string | undefined {
  if (validate(body)) return undefined;
  return ajv.errorsText(validate.errors, { dataVar: 'body', separator: '; ' });
}

/** Why the response contradicts the document, or undefined when it conforms. */
export function responseViolation(sample: ResponseSample): string | undefined {
  const path = pathOf(sample.url);
  if (UNDOCUMENTED_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}-`))) {
    return undefined;
  }
  const method = sample.method.toLowerCase() === 'head' ? 'get' : sample.method.toLowerCase();
  const route = routes.find((candidate) => candidate.pattern.test(path) && candidate.methods[method]);
  const mediaType = mediaTypeOf(sample.contentType);
  if (!route) {
    // Routing-level answers (unknown route or method, malformed URL): only problem documents.
    if (sample.status < 400 || sample.status >= 500) return `no documented operation answers with ${sample.status}`;
    if (mediaType !== 'application/problem+json') return `a ${sample.status} without an operation must be a problem document, got ${mediaType}`;
    return schemaErrors(validatorFor(PROBLEM_SCHEMA), sample.body);
  }
  const operation = route.methods[method];
  const status = String(sample.status);
  const response = operation.responses[status] ?? operation.responses.default;
  const where = `${operation.operationId} (${method.toUpperCase()} ${route.template})`;
  if (!response) return `${where} does not declare status ${status} (declares ${Object.keys(operation.responses).join(', ')})`;
  const responseKey = operation.responses[status] ? status : 'default';
  const declared = Object.keys(response.content ?? {});
  if (!sample.hasBody || sample.method.toLowerCase() === 'head') {
    return undefined;
  }
  if (declared.length === 0) return `${where} declares no body for ${status}, got ${mediaType}`;
  if (!mediaType || !declared.includes(mediaType)) {
    return `${where} ${status}: content type ${mediaType} is not one of ${declared.join(', ')}`;
  }
  const pointer = `#/paths/${escapePointer(route.template)}/${method}/responses/${responseKey}/content/${escapePointer(mediaType)}/schema`;
  const errors = schemaErrors(validatorFor(pointer), sample.body);
  return errors && `${where} ${status}: ${errors}`;
}

function sampleOf(method: string, url: string, res: Response): ResponseSample {
  const contentType = res.headers['content-type'] as string | undefined;
  const hasBody = res.text !== undefined && res.text !== '';
  // supertest has parsed JSON (application/json and application/problem+json) already.
  const body: unknown = hasBody && /[/+]json\b/.test(contentType ?? '') ? res.body : res.text;
  return { method, url, status: res.status, contentType, body, hasBody };
}

export function assertResponseConforms(sample: ResponseSample): void {
  const violation = responseViolation(sample);
  if (violation) {
    const body = typeof sample.body === 'string' ? sample.body : JSON.stringify(sample.body);
    throw new Error(
      `Response not declared by openapi/openapi.json: ${sample.method.toUpperCase()} ${sample.url} → ${sample.status}\n` +
        `  ${violation}\n  body: ${String(body).slice(0, 500)}`,
    );
  }
}

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'head', 'options']);

/** The agent, with every response it receives checked against the document when it is awaited. */
export function withResponseValidation(agent: TestAgent): TestAgent {
  return new Proxy(agent, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || !HTTP_METHODS.has(property) || typeof value !== 'function') return value;
      return (url: string, ...rest: unknown[]) => {
        const test = (value as (...args: unknown[]) => Test).call(target, url, ...rest);
        const method = property === 'del' ? 'delete' : property;
        return test.expect((res: Response) => assertResponseConforms(sampleOf(method, url, res)));
      };
    },
  });
}
