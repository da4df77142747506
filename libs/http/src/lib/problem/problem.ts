import { CausewayError, type FieldError } from '@causeway/domain';
import { PROBLEM_TABLE, type ProblemCode, type StatusOf } from './problem-table';

export { PROBLEM_CODES, type ProblemCode } from './problem-table';

/** RFC 9457 problem document. */
export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: ProblemCode;
  readonly errors?: readonly FieldError[];
  readonly [extension: string]: unknown;
}

const TITLES: Record<ProblemCode, string> = {
  VALIDATION_FAILED: 'Request validation failed',
  INVALID_TRANSITION: 'Invalid state transition',
  VERSION_CONFLICT: 'Version conflict',
  NOT_FOUND: 'Not found',
  FORBIDDEN: 'Forbidden',
  UNAUTHENTICATED: 'Unauthenticated',
  IDEMPOTENCY_KEY_REUSED: 'Idempotency key reused with a different request',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  ALREADY_EXISTS: 'Already exists',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  SERVICE_UNAVAILABLE: 'Service unavailable',
  INTERNAL_ERROR: 'Internal server error',
};

/**
 * Any error the HTTP layer raises itself; the one exception filter renders it. The status must be
 * the one `PROBLEM_TABLE` gives the code (checked by the compiler), so a code means one status.
 */
export class Problem<Code extends ProblemCode = ProblemCode> extends CausewayError<Code> {
  constructor(
    readonly status: StatusOf<Code>,
    readonly code: Code,
    readonly detail: string,
    readonly errors?: readonly FieldError[],
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(detail);
    this.name = 'Problem';
  }

  override get details(): Readonly<Record<string, unknown>> {
    return this.extensions;
  }

  override get fieldErrors(): readonly FieldError[] {
    return this.errors ?? [];
  }

  static validation(errors: readonly FieldError[], detail?: string): Problem<'VALIDATION_FAILED'> {
    return new Problem(400, 'VALIDATION_FAILED', detail ?? errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
  }

  static notFound(detail: string): Problem<'NOT_FOUND'> {
    return new Problem(404, 'NOT_FOUND', detail);
  }
}

/** The problem document of any error of this system: status and code from the one table. */
export function problemOf(error: CausewayError): ProblemDocument {
  const answer = PROBLEM_TABLE[error.code];
  const detail = 'detail' in answer ? answer.detail(error) : error.message;
  return problemDocument(answer.status, answer.problem, detail, error.fieldErrors, error.details);
}

export function problemDocument(
  status: number,
  code: ProblemCode,
  detail: string,
  errors?: readonly FieldError[],
  extensions: Readonly<Record<string, unknown>> = {},
): ProblemDocument {
  return {
    type: `https://causeway.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[code],
    status,
    detail,
    code,
    ...(errors && errors.length > 0 ? { errors } : {}),
    ...extensions,
  };
}
