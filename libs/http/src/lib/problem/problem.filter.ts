import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import { CausewayError } from '@causeway/domain';
import { isUnavailableError } from '@causeway/event-store-postgres';
import type { Response } from 'express';
import { problemDocument, problemOf, type ProblemCode, type ProblemDocument } from './problem';
import { UNEXPECTED_DETAIL } from './problem-table';

/** body-parser's errors carry a `type` and a `status`. */
interface BodyParserError {
  readonly type: string;
  readonly status?: number;
  readonly limit?: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return typeof error === 'object' && error !== null && typeof (error as BodyParserError).type === 'string' && 'expose' in error;
}

/** The code of a Nest `HttpException` (an unknown route, a guard Nest runs itself), by its status. */
const HTTP_CODES: Record<number, ProblemCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'INVALID_TRANSITION',
  412: 'VERSION_CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  503: 'SERVICE_UNAVAILABLE',
};

/**
 * The single place where errors become RFC 9457 problem documents. Every error of this system is a
 * `CausewayError` and answers as `PROBLEM_TABLE` says for its code; what remains are the errors of
 * the libraries under us (body-parser, Nest, the database drivers). Anything unexpected is logged
 * with its stack and answered 500 without one.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const document = this.toProblem(exception);
    if (document.status >= 500) {
      this.logger.error({ err: exception }, `Request failed: ${exception instanceof Error ? exception.message : String(exception)}`);
    }
    if (response.headersSent) {
      response.end();
      return;
    }
    response.status(document.status).type('application/problem+json').send(JSON.stringify(document));
  }

  toProblem(exception: unknown): ProblemDocument {
    if (exception instanceof CausewayError) return problemOf(exception);
    // Read-model queries fail with the driver's own errors (TypeORM wraps them in `driverError`).
    if (isUnavailableError(exception) || isUnavailableError((exception as { driverError?: unknown } | null)?.driverError)) {
      return problemDocument(503, 'SERVICE_UNAVAILABLE', 'The database is unavailable; retry the request');
    }
    if (isBodyParserError(exception)) return this.bodyParserProblem(exception);
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = HTTP_CODES[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_FAILED');
      const body = exception.getResponse();
      const detail = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? exception.message);
      return problemDocument(status, code, Array.isArray(detail) ? detail.join('; ') : String(detail));
    }
    return problemDocument(500, 'INTERNAL_ERROR', UNEXPECTED_DETAIL);
  }

  private bodyParserProblem(error: BodyParserError): ProblemDocument {
    switch (error.type) {
      case 'entity.too.large':
        return problemDocument(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${error.limit ?? 1048576} bytes`);
      case 'entity.parse.failed':
        return problemDocument(400, 'VALIDATION_FAILED', 'The request body is not valid JSON', [
          { field: 'body', message: 'must be valid JSON' },
        ]);
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return problemDocument(415, 'UNSUPPORTED_MEDIA_TYPE', 'The request body must be UTF-8 JSON');
      default:
        return problemDocument(error.status && error.status < 500 ? error.status : 400, 'VALIDATION_FAILED', 'The request body could not be read');
    }
  }
}
