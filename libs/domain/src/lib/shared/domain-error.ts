/**
 * Stable machine codes of the HTTP contract that domain rules can raise. The HTTP layer's single
 * exception filter maps each to a status and a problem document.
 */
export type DomainErrorCode = 'INVALID_TRANSITION' | 'VALIDATION_FAILED' | 'NOT_FOUND' | 'ALREADY_EXISTS';

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;
  /** A finer, stable reason inside the code, e.g. `ALREADY_ACKNOWLEDGED`. */
  abstract readonly reason: string;
}

/** A command is not allowed in the aggregate's current state (HTTP 409). */
export class InvalidTransitionError extends DomainError {
  readonly code = 'INVALID_TRANSITION' as const;
  constructor(
    readonly reason: string,
    /** Says the current state and what is allowed, e.g. "incident is closed; closed is final". */
    message: string,
    readonly currentState?: string,
    readonly allowed: readonly string[] = [],
  ) {
    super(message);
    this.name = 'InvalidTransitionError';
  }
}

/** A command is well-formed but breaks a domain rule about its values (HTTP 400). */
export class DomainValidationError extends DomainError {
  readonly code = 'VALIDATION_FAILED' as const;
  constructor(
    readonly reason: string,
    message: string,
    readonly errors: readonly FieldError[] = [],
  ) {
    super(message);
    this.name = 'DomainValidationError';
  }
}

/** The aggregate does not exist (HTTP 404). */
export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND' as const;
  readonly reason = 'NOT_FOUND';
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** The aggregate already exists (HTTP 409). */
export class AlreadyExistsError extends DomainError {
  readonly code = 'ALREADY_EXISTS' as const;
  readonly reason = 'ALREADY_EXISTS';
  constructor(message: string) {
    super(message);
    this.name = 'AlreadyExistsError';
  }
}
