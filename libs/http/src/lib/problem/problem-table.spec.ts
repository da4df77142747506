import { ConcurrencyExhaustedError, VersionConflictError } from '@causeway/application';
import { AlreadyExistsError, DomainValidationError, ERROR_CODES, InvalidTransitionError, NotFoundError } from '@causeway/domain';
import { DuplicateEventIdError, StoreUnavailableError, UnknownEventTypeError, WrongExpectedVersionError } from '@causeway/event-store';
import { InvalidCursorError } from '@causeway/read-models';
import { HttpException } from '@nestjs/common';
import { Problem, PROBLEM_CODES } from './problem';
import { ProblemFilter } from './problem.filter';
import { PROBLEM_TABLE } from './problem-table';

const filter = new ProblemFilter();

describe('PROBLEM_TABLE', () => {
  it('has one row per error code and nothing else', () => {
    expect(Object.keys(PROBLEM_TABLE).sort()).toEqual([...ERROR_CODES].sort());
  });

  it('advertises exactly the problem codes its rows answer with', () => {
    expect([...PROBLEM_CODES].sort()).toEqual([
      'ALREADY_EXISTS',
      'FORBIDDEN',
      'IDEMPOTENCY_KEY_REUSED',
      'INTERNAL_ERROR',
      'INVALID_TRANSITION',
      'NOT_FOUND',
      'PAYLOAD_TOO_LARGE',
      'SERVICE_UNAVAILABLE',
      'UNAUTHENTICATED',
      'UNSUPPORTED_MEDIA_TYPE',
      'VALIDATION_FAILED',
      'VERSION_CONFLICT',
    ]);
  });

});

describe('ProblemFilter.toProblem', () => {
  const title = (code: string): string => `https://causeway.dev/problems/${code}`;

  it('renders each error of the system as the contract says', () => {
    expect(filter.toProblem(new InvalidTransitionError('INCIDENT_CLOSED', 'closed is final', 'closed', []))).toEqual({
      type: title('invalid-transition'),
      title: 'Invalid state transition',
      status: 409,
      detail: 'closed is final',
      code: 'INVALID_TRANSITION',
      reason: 'INCIDENT_CLOSED',
      currentState: 'closed',
      allowed: [],
    });
    expect(filter.toProblem(new InvalidTransitionError('ALREADY_REVOKED', 'revoked'))).toMatchObject({ currentState: null, allowed: [] });
    expect(filter.toProblem(new DomainValidationError('TIMESTAMP_INVALID', 'bad', [{ field: 'occurredAt', message: 'bad' }]))).toEqual({
      type: title('validation-failed'),
      title: 'Request validation failed',
      status: 400,
      detail: 'bad',
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'occurredAt', message: 'bad' }],
      reason: 'TIMESTAMP_INVALID',
    });
    expect(filter.toProblem(new NotFoundError('gone'))).toMatchObject({ status: 404, code: 'NOT_FOUND', detail: 'gone', reason: 'NOT_FOUND' });
    expect(filter.toProblem(new AlreadyExistsError('twice'))).toMatchObject({ status: 409, code: 'ALREADY_EXISTS', reason: 'ALREADY_EXISTS' });
    expect(filter.toProblem(new VersionConflictError(2, 3))).toMatchObject({ status: 412, code: 'VERSION_CONFLICT', expectedVersion: 2, currentVersion: 3 });
    expect(filter.toProblem(new WrongExpectedVersionError('s', 1, 2))).toEqual({
      type: title('version-conflict'),
      title: 'Version conflict',
      status: 412,
      detail: 'Stream s: expected version 1, actual 2',
      code: 'VERSION_CONFLICT',
    });
    expect(filter.toProblem(new ConcurrencyExhaustedError('s', 50))).toMatchObject({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      detail: 'Stream s stayed contended after 50 attempts; retry the request',
    });
    expect(filter.toProblem(new StoreUnavailableError('down'))).toMatchObject({ status: 503, detail: 'down; retry the request' });
    expect(filter.toProblem(new InvalidCursorError())).toEqual({
      type: title('validation-failed'),
      title: 'Request validation failed',
      status: 400,
      detail: 'cursor is not a cursor this list returned',
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'cursor', message: 'is invalid or expired' }],
    });
    for (const bug of [new DuplicateEventIdError('e', 'half a duplicate'), new UnknownEventTypeError('Nope', 7)]) {
      expect(filter.toProblem(bug)).toEqual({
        type: title('internal-error'),
        title: 'Internal server error',
        status: 500,
        detail: 'An unexpected error occurred; it has been logged',
        code: 'INTERNAL_ERROR',
      });
    }
    expect(filter.toProblem(new Problem(403, 'FORBIDDEN', 'no', undefined, { permission: 'x' }))).toMatchObject({ status: 403, permission: 'x' });
    expect(filter.toProblem(Problem.validation([{ field: 'a', message: 'b' }]))).toMatchObject({ status: 400, detail: 'a: b', errors: [{ field: 'a', message: 'b' }] });
  });

  it('keeps mapping what the libraries under us throw', () => {
    expect(filter.toProblem(new HttpException('Cannot GET /nope', 404))).toMatchObject({ status: 404, code: 'NOT_FOUND', detail: 'Cannot GET /nope' });
    expect(filter.toProblem(Object.assign(new Error('too big'), { type: 'entity.too.large', expose: true, limit: 10 }))).toMatchObject({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    });
    expect(filter.toProblem(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toMatchObject({ status: 503 });
    expect(filter.toProblem(new Error('boom'))).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
  });
});
