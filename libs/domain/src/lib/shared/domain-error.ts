import { CausewayError, type FieldError } from './causeway-error';
import type { TransitionReason, ValidationReason } from './refusal-reasons';

export type { FieldError } from './causeway-error';

/** The codes domain rules raise; the HTTP layer's one table maps each to a status. */
export type DomainErrorCode = 'INVALID_TRANSITION' | 'VALIDATION_FAILED' | 'NOT_FOUND' | 'ALREADY_EXISTS';

export abstract class DomainError<Code extends DomainErrorCode = DomainErrorCode> extends CausewayError<Code> {
  /** A finer, stable reason inside the code, e.g. `ALREADY_ACKNOWLEDGED`. */
  abstract readonly reason: string;

  override get details(): Readonly<Record<string, unknown>> {
    return { reason: this.reason };
  }
}

/**
 * A command is not allowed in the aggregate's current state (HTTP 409). `Reason` is one aggregate's
 * list (e.g. `IncidentTransitionReason`) where the decider names it, and any aggregate's otherwise.
 */
export class InvalidTransitionError<Reason extends TransitionReason = TransitionReason> extends DomainError<'INVALID_TRANSITION'> {
  readonly code = 'INVALID_TRANSITION' as const;
  constructor(
    readonly reason: Reason,
    /** Says the current state and what is allowed, e.g. "incident is closed; closed is final". */
    message: string,
    readonly currentState?: string,
    readonly allowed: readonly string[] = [],
  ) {
    super(message);
    this.name = 'InvalidTransitionError';
  }

  override get details(): Readonly<Record<string, unknown>> {
    return { reason: this.reason, currentState: this.currentState ?? null, allowed: this.allowed };
  }
}

/** A command is well-formed but breaks a domain rule about its values (HTTP 400). */
export class DomainValidationError<Reason extends ValidationReason = ValidationReason> extends DomainError<'VALIDATION_FAILED'> {
  readonly code = 'VALIDATION_FAILED' as const;
  constructor(
    readonly reason: Reason,
    message: string,
    readonly errors: readonly FieldError[] = [],
  ) {
    super(message);
    this.name = 'DomainValidationError';
  }

  override get fieldErrors(): readonly FieldError[] {
    return this.errors;
  }
}

/** The aggregate does not exist (HTTP 404). */
export class NotFoundError extends DomainError<'NOT_FOUND'> {
  readonly code = 'NOT_FOUND' as const;
  readonly reason = 'NOT_FOUND';
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** The aggregate already exists (HTTP 409). */
export class AlreadyExistsError extends DomainError<'ALREADY_EXISTS'> {
  readonly code = 'ALREADY_EXISTS' as const;
  readonly reason = 'ALREADY_EXISTS';
  constructor(message: string) {
    super(message);
    this.name = 'AlreadyExistsError';
  }
}
