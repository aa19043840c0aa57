import helmet from '@fastify/helmet';
import { Logger, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppModule } from './app.module';
import { createRootLogger, PinoLoggerService } from './common/logging/logger';
import { requestIdFor } from './common/http/request-id';
import { ProblemExceptionFilter, sendFrameworkError, sendProblem } from './common/problem/problem-exception.filter';
import { createValidationPipe } from './common/validation/validation.pipe';
import { AppConfig } from './config/app-config';
import { setupSwagger } from './swagger';

export const API_PREFIX = 'api/v1';

export interface CreateAppOptions {
  /** Do not wait for the database at start-up (used by the OpenAPI generator, which never touches it). */
  lazyDatabase?: boolean;
  /** FerretDB's PostgreSQL database, when the database is FerretDB on PostgreSQL: GIN indexes are added there. */
  ferretDbPostgresUrl?: string;
}

/** Builds the fully configured application; used by main.ts, the tests and the OpenAPI script. */
export async function createApp(
  config: AppConfig,
  mongodbUri: string,
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  const rootLogger = createRootLogger(config.logLevel);
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
    },
    return503OnClosing: true,
    trustProxy: false,
    // Routing errors (bad percent-encoding, over-long path parameter) bypass hooks and handlers.
    frameworkErrors: sendFrameworkError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, mongodbUri, options), adapter, {
    logger: new PinoLoggerService(rootLogger),
    bufferLogs: false,
  });
  await configureApp(app, config);
  return app;
}

export async function configureApp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('X-Request-Id', request.id);
  });
  // Errors Fastify raises before Nest sees the request (bad JSON, body too large).
  const logger = new Logger('Http');
  fastify.setErrorHandler((error, request, reply) => sendProblem(reply, request, error, logger));

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        // Helmet's default would have browsers fetch Swagger UI's own scripts over https, which
        // leaves /docs blank whenever it is opened over plain http on anything but localhost.
        upgradeInsecureRequests: null,
      },
    },
  });
  app.enableCors({ origin: config.corsOrigins.length > 0 ? config.corsOrigins : false });
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemExceptionFilter());
  if (config.swaggerEnabled) setupSwagger(app);
}
