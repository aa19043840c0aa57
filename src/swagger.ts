import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Pawnshop customer records API')
    .setDescription(
      'Customer records of the pawnshop operations system. Log in with POST /api/v1/auth/login, then send ' +
        '`Authorization: Bearer <access_token>`. Errors are RFC 9457 problem documents (application/problem+json).',
    )
    .setVersion('1.0.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .addTag('auth', 'Login and user management')
    .addTag('customers', 'Customer records, status changes and transactions')
    .addTag('audit', 'Audit trail')
    .addTag('health', 'Liveness and readiness probes')
    .build();
  return SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
  });
}

/** Swagger UI at /docs and the document at /docs-json. */
export function setupSwagger(app: INestApplication): void {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
}
