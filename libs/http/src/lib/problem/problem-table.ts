import type { CausewayError, ErrorCode } from '@causeway/domain';

/** How the HTTP layer answers one error code. */
export interface ProblemAnswer {
  readonly status: number;
  /** The `code` the problem document carries: the contract's code, which internal codes map onto. */
  readonly problem: ErrorCode;
  /** The `detail`; the error's own message when absent. */
  readonly detail?: (error: CausewayError) => string;
}

const retry = (error: CausewayError): string => `${error.message}; retry the request`;
/** What a 500 says: bugs (a mixed-up stream, a half-duplicate append) are logged, not described. */
export const UNEXPECTED_DETAIL = 'An unexpected error occurred; it has been logged';
const unexpected = (): string => UNEXPECTED_DETAIL;

/**
 * The one table from error code to HTTP answer. It is keyed by every `ErrorCode`, so a code added to
 * the list without a row here does not compile; the codes in its `problem` column are exactly the
 * ones the API advertises (`PROBLEM_CODES`).
 */
export const PROBLEM_TABLE = {
  VALIDATION_FAILED: { status: 400, problem: 'VALIDATION_FAILED' },
  INVALID_TRANSITION: { status: 409, problem: 'INVALID_TRANSITION' },
  VERSION_CONFLICT: { status: 412, problem: 'VERSION_CONFLICT' },
  WRONG_EXPECTED_VERSION: { status: 412, problem: 'VERSION_CONFLICT' },
  NOT_FOUND: { status: 404, problem: 'NOT_FOUND' },
  FORBIDDEN: { status: 403, problem: 'FORBIDDEN' },
  UNAUTHENTICATED: { status: 401, problem: 'UNAUTHENTICATED' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, problem: 'IDEMPOTENCY_KEY_REUSED' },
  PAYLOAD_TOO_LARGE: { status: 413, problem: 'PAYLOAD_TOO_LARGE' },
  ALREADY_EXISTS: { status: 409, problem: 'ALREADY_EXISTS' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, problem: 'UNSUPPORTED_MEDIA_TYPE' },
  SERVICE_UNAVAILABLE: { status: 503, problem: 'SERVICE_UNAVAILABLE' },
  CONCURRENCY_EXHAUSTED: { status: 503, problem: 'SERVICE_UNAVAILABLE', detail: retry },
  STORE_UNAVAILABLE: { status: 503, problem: 'SERVICE_UNAVAILABLE', detail: retry },
  INTERNAL_ERROR: { status: 500, problem: 'INTERNAL_ERROR', detail: unexpected },
  DUPLICATE_EVENT_ID: { status: 500, problem: 'INTERNAL_ERROR', detail: unexpected },
  UNKNOWN_EVENT_TYPE: { status: 500, problem: 'INTERNAL_ERROR', detail: unexpected },
} as const satisfies { readonly [Code in ErrorCode]: ProblemAnswer };

/** The codes a problem document may carry (the OpenAPI `code` enum). */
export type ProblemCode = (typeof PROBLEM_TABLE)[ErrorCode]['problem'];

export const PROBLEM_CODES: readonly ProblemCode[] = [...new Set(Object.values(PROBLEM_TABLE).map((answer) => answer.problem))];

/** The status the table gives a problem code (a `Problem` must be raised with it). */
export type StatusOf<Code extends ProblemCode> = (typeof PROBLEM_TABLE)[Code]['status'];
