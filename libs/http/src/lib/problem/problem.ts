/** Stable machine codes of the HTTP contract (API.md, Conventions). */
export type ProblemCode =
  | 'VALIDATION_FAILED'
  | 'INVALID_TRANSITION'
  | 'VERSION_CONFLICT'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'PAYLOAD_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'ALREADY_EXISTS'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_ERROR';

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** RFC 9457 problem document. */
export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: ProblemCode;
  readonly errors?: readonly FieldProblem[];
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
  RATE_LIMITED: 'Too many requests',
  ALREADY_EXISTS: 'Already exists',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  SERVICE_UNAVAILABLE: 'Service unavailable',
  INTERNAL_ERROR: 'Internal server error',
};

/** Any error the HTTP layer raises itself; the one exception filter renders it. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: ProblemCode,
    readonly detail: string,
    readonly errors?: readonly FieldProblem[],
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(detail);
    this.name = 'Problem';
  }

  toDocument(): ProblemDocument {
    return problemDocument(this.status, this.code, this.detail, this.errors, this.extensions);
  }

  static validation(errors: readonly FieldProblem[], detail?: string): Problem {
    return new Problem(400, 'VALIDATION_FAILED', detail ?? errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
  }

  static notFound(detail: string): Problem {
    return new Problem(404, 'NOT_FOUND', detail);
  }
}

export function problemDocument(
  status: number,
  code: ProblemCode,
  detail: string,
  errors?: readonly FieldProblem[],
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
