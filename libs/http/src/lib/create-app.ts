import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json, type NextFunction, type Request, type Response } from 'express';
import pinoHttp from 'pino-http';
import { CausewayModule } from './causeway.module';
import type { CausewayModuleOptions } from './causeway.options';
import { Problem } from './problem/problem';
import { ProblemFilter } from './problem/problem.filter';
import { JsonLogger } from './json-logger';
import { withProblemResponses } from './openapi';

export const API_PREFIX = 'api/v1';

/**
 * Builds the HTTP application exactly as the server runs it (tests use this too): 1 MiB JSON
 * bodies, the /api/v1 prefix, OpenAPI at /docs and /docs-json, structured logs.
 */
export async function createCausewayApp(options: CausewayModuleOptions): Promise<INestApplication> {
  const logger = new JsonLogger(options.config.CAUSEWAY_LOG_LEVEL);
  const app = await NestFactory.create<NestExpressApplication>(CausewayModule.forRoot(options), { bodyParser: false, logger, abortOnError: false });
  // Resources carry their own version ETags; hashing every other body for a weak one is wasted work.
  app.set('etag', false);
  app.disable('x-powered-by');
  if (options.config.CAUSEWAY_LOG_REQUESTS) app.use(pinoHttp({ logger: logger.pino, quietReqLogger: true }));
  app.use(json({ limit: '1mb', type: ['application/json', 'application/*+json'] }));
  app.use(requireObjectBody);
  app.use(bodyErrorHandler);
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'health/ready', 'metrics'] });
  app.enableShutdownHooks();

  const document = withProblemResponses(SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Causeway')
      .setDescription('Event-sourced incident and root-cause-analysis platform. Errors are RFC 9457 problem documents.')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key' })
      .build(),
  ));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}

/** A JSON body must be an object: `[]` or `"x"` would otherwise slip past DTO validation. */
function requireObjectBody(request: Request, _response: Response, next: NextFunction): void {
  const body: unknown = request.body;
  if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
    next(Problem.validation([{ field: 'body', message: 'must be a JSON object' }]));
    return;
  }
  next();
}

/** Errors raised before routing (body too large, malformed JSON) never reach Nest's filters. */
function bodyErrorHandler(error: unknown, _request: Request, response: Response, _next: NextFunction): void {
  const document = new ProblemFilter().toProblem(error);
  response.status(document.status).type('application/problem+json').send(JSON.stringify(document));
}
