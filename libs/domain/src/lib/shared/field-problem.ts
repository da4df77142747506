import { DomainValidationError, type FieldError } from './domain-error';
import type { ValidationReason } from './refusal-reasons';

/** One broken field of a command, with the reason code it raises when it is the only one. */
export interface FieldProblem<Reason extends ValidationReason = ValidationReason> extends FieldError {
  readonly reason: Reason;
}

/**
 * Throws one `DomainValidationError` for every broken field at once, so a form can show them
 * together: one field keeps its own reason, several are `FIELDS_INVALID`; the message reads
 * "<field> <message>; …". `null` entries are fields that passed.
 */
export function throwIfInvalid<Reason extends ValidationReason>(problems: readonly (FieldProblem<Reason> | null)[]): void {
  const found = problems.filter((p): p is FieldProblem<Reason> => p !== null);
  const [first] = found;
  if (first === undefined) return;
  const reason = found.length === 1 ? first.reason : 'FIELDS_INVALID';
  const summary = found.map((p) => `${p.field} ${p.message}`).join('; ');
  throw new DomainValidationError(
    reason,
    summary,
    found.map(({ field, message }) => ({ field, message })),
  );
}
