import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import { ConcurrencyExhaustedError, VersionConflictError } from '@causeway/application';
import { DomainError, DomainValidationError, InvalidTransitionError } from '@causeway/domain';
import { StoreUnavailableError, WrongExpectedVersionError } from '@causeway/event-store';
import { isUnavailableError } from '@causeway/event-store-postgres';
import { InvalidCursorError } from '@causeway/read-models';
import type { Response } from 'express';
import { Problem, problemDocument, type ProblemCode, type ProblemDocument } from './problem';

/** body-parser's errors carry a `type` and a `status`. */
interface BodyParserError {
  readonly type: string;
  readonly status?: number;
  readonly limit?: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return typeof error === 'object' && error !== null && typeof (error as BodyParserError).type === 'string' && 'expose' in error;
}

const HTTP_CODES: Record<number, ProblemCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'INVALID_TRANSITION',
  412: 'VERSION_CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/**
 * The single place where errors become RFC 9457 problem documents. Domain errors keep their stable
 * codes; anything unexpected is logged with its stack and answered 500 without one.
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
    if (exception instanceof Problem) return exception.toDocument();
    if (exception instanceof InvalidTransitionError) {
      return problemDocument(409, 'INVALID_TRANSITION', exception.message, undefined, {
        reason: exception.reason,
        currentState: exception.currentState ?? null,
        allowed: exception.allowed,
      });
    }
    if (exception instanceof DomainValidationError) {
      return problemDocument(400, 'VALIDATION_FAILED', exception.message, exception.errors, { reason: exception.reason });
    }
    if (exception instanceof DomainError) {
      const status = exception.code === 'NOT_FOUND' ? 404 : exception.code === 'ALREADY_EXISTS' ? 409 : 400;
      return problemDocument(status, exception.code, exception.message, undefined, { reason: exception.reason });
    }
    if (exception instanceof VersionConflictError) {
      return problemDocument(412, 'VERSION_CONFLICT', exception.message, undefined, {
        expectedVersion: exception.expected,
        currentVersion: exception.actual,
      });
    }
    if (exception instanceof WrongExpectedVersionError) {
      return problemDocument(412, 'VERSION_CONFLICT', exception.message);
    }
    if (exception instanceof ConcurrencyExhaustedError || exception instanceof StoreUnavailableError) {
      return problemDocument(503, 'SERVICE_UNAVAILABLE', `${exception.message}; retry the request`);
    }
    // Read-model queries fail with the driver's own errors (TypeORM wraps them in `driverError`).
    if (isUnavailableError(exception) || isUnavailableError((exception as { driverError?: unknown } | null)?.driverError)) {
      return problemDocument(503, 'SERVICE_UNAVAILABLE', 'The database is unavailable; retry the request');
    }
    if (exception instanceof InvalidCursorError) {
      return problemDocument(400, 'VALIDATION_FAILED', 'cursor is not a cursor this list returned', [
        { field: 'cursor', message: 'is invalid or expired' },
      ]);
    }
    if (isBodyParserError(exception)) return this.bodyParserProblem(exception);
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = HTTP_CODES[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_FAILED');
      const body = exception.getResponse();
      const detail = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? exception.message);
      return problemDocument(status, code, Array.isArray(detail) ? detail.join('; ') : String(detail));
    }
    return problemDocument(500, 'INTERNAL_ERROR', 'An unexpected error occurred; it has been logged');
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
