/**
 * Every stable machine code an error of this system carries, whichever lib raises it. One list, so
 * that an error class with a new code does not compile until the code is listed here, and the HTTP
 * layer's table (one status per code) does not compile until the code has a row there.
 */
export const ERROR_CODES = [
  // Domain rules (this lib); VALIDATION_FAILED also for read-model cursors and the HTTP layer's checks.
  'INVALID_TRANSITION',
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  // The command handler (@causeway/application).
  'VERSION_CONFLICT',
  'CONCURRENCY_EXHAUSTED',
  // The event-store port (@causeway/event-store).
  'WRONG_EXPECTED_VERSION',
  'DUPLICATE_EVENT_ID',
  'STORE_UNAVAILABLE',
  'UNKNOWN_EVENT_TYPE',
  // The HTTP layer's own problems (@causeway/http).
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'IDEMPOTENCY_KEY_REUSED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_ERROR',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** A field of a command or request that broke a rule, as a form shows it next to the field. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/**
 * The base of every error that may reach a caller: a typed `code`, plus what a client can act on
 * besides the message. Both are getters on the subclasses (not own fields) where they are derived,
 * so an error's own fields stay exactly the values it was built with.
 */
export abstract class CausewayError<Code extends ErrorCode = ErrorCode> extends Error {
  abstract readonly code: Code;

  /** Facts beside the message a client may act on (a refusal's reason, the clashing versions). */
  get details(): Readonly<Record<string, unknown>> {
    return {};
  }

  /** The fields at fault, when the error is about some. */
  get fieldErrors(): readonly FieldError[] {
    return [];
  }
}
