import { InvalidTransitionError } from './domain-error';
import type { TransitionReason } from './refusal-reasons';
import { formatList } from './time';

/** How a command is worded in refusals: "Cannot <attempt>: …; <name> is allowed only from …". */
export interface CommandWording {
  readonly attempt: string;
  readonly name: string;
}

/**
 * The one shape of every "wrong status" refusal in every decider: it says the current status and
 * the statuses the command may start from (docs/api.md, section 3: a 409 says the state and what is allowed).
 */
export function statusNotAllowed<Reason extends TransitionReason>(
  reason: Reason,
  wording: CommandWording,
  status: string,
  allowed: readonly string[],
  hint?: string,
): InvalidTransitionError<Reason> {
  const suffix = hint === undefined ? '' : `; ${hint}`;
  return new InvalidTransitionError(
    reason,
    `Cannot ${wording.attempt}: status is ${status}; ${wording.name} is allowed only from ${formatList(allowed)}${suffix}`,
    status,
    allowed,
  );
}
