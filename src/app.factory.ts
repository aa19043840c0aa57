import { RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DestinationStream } from 'pino';
import { API_PATH_PREFIX, API_PREFIX } from './app.constants';
import { AppModule } from './app.module';
import { clientErrorHandler } from './common/http/client-error';
import { malformedRequest } from './common/http/malformed-request';
import { createRootLogger, PinoLoggerService } from './common/logging/logger';
import { OneLinePerRequest } from './common/logging/request-log';
import { requestIdFor } from './common/http/request-id';
import { securityHeaders } from './common/http/security-headers';
import {
  ProblemExceptionFilter,
  sendFrameworkError,
} from './common/problem/problem-exception.filter';
import { UndeclaredQueryGuard } from './common/validation/undeclared-query.guard';
import { createValidationPipe } from './common/validation/validation.pipe';
import { AppConfig } from './config/app-config';
import { DatabaseEngine, DatabaseTarget } from './database/database-engine';
import { customerEtagHook } from './customers/customer-http';
import { setupSwagger } from './swagger';

/** Helmet's headers, worked out once for every response. */
const SECURITY_HEADERS = securityHeaders();

export interface CreateAppOptions {
  /** Do not wait for the database at start-up (used by the OpenAPI generator, which never touches it). */
  lazyDatabase?: boolean;
  /** Where the JSON logs go (standard output by default). */
  logDestination?: DestinationStream;
}

/** Builds the fully configured application; used by main.ts, the tests and the OpenAPI script. */
export async function createApp(
  config: AppConfig,
  database: DatabaseTarget,
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  // Asked before the modules are built: the engine sizes the connection pools.
  const engine = options.lazyDatabase ? new DatabaseEngine('mongodb') : await DatabaseEngine.detect(database);
  const rootLogger = createRootLogger(config.logLevel, options.logDestination);
  const adapter = new FastifyAdapter({
    loggerInstance: rootLogger,
    genReqId: requestIdFor,
    bodyLimit: config.bodyLimitBytes,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    connectionTimeout: config.requestTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    // Node enforces the request and header deadlines only when it sweeps its connections, every
    // 30 s by default: a slow-drip client would hold a connection that long past the timeout.
    http: {
      headersTimeout: config.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, config.requestTimeoutMs),
      // Node would answer an HTTP/1.1 request without Host with a bare 400: the onRequest hook
      // answers it instead, as a problem document with a request id.
      requireHostHeader: false,
    },
    return503OnClosing: true,
    trustProxy: false,
    // Routing errors (bad percent-encoding, over-long path parameter) bypass hooks and handlers.
    frameworkErrors: (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
      reply.headers(SECURITY_HEADERS);
      sendFrameworkError(error, request, reply);
    },
    logController: new OneLinePerRequest(),
    clientErrorHandler: clientErrorHandler(SECURITY_HEADERS),
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, database, engine, { lazyDatabase: options.lazyDatabase }),
    adapter,
    {
      logger: new PinoLoggerService(rootLogger),
      bufferLogs: false,
      // JSON only: Nest would add a form-urlencoded parser; Fastify's own JSON parser stays.
      bodyParser: false,
    },
  );
  await configureApp(app, config);
  return app;
}

export async function configureApp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
    reply.headers(SECURITY_HEADERS);
    reply.header('X-Request-Id', request.id);
    // Tokens and customers' personal data: no browser or proxy keeps a copy.
    if (request.url.startsWith(API_PATH_PREFIX)) reply.header('Cache-Control', 'no-store');
    done(malformedRequest(request));
  });
  fastify.addHook('preSerialization', customerEtagHook);
  // Bodies are JSON: a text/plain body is a 415, not a string handed to the validators.
  fastify.removeContentTypeParser('text/plain');
  // An empty body sent as JSON (Swagger UI's "Try it out" with the body cleared) is no body.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) =>
    body === '' ? done(null, undefined) : parseJson(request, body as string, done),
  );

  app.enableCors({ origin: config.corsOrigins.length > 0 ? config.corsOrigins : false });
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(createValidationPipe());
  // After the APP_GUARDs (authentication, roles), which Nest registered while creating the app.
  app.useGlobalGuards(new UndeclaredQueryGuard());
  app.useGlobalFilters(new ProblemExceptionFilter());
  if (config.swaggerEnabled) setupSwagger(app, config.publicUrl);
}
