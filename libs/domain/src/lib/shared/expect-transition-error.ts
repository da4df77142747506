import type { DeciderThen } from './decider-specification';
import { InvalidTransitionError } from './domain-error';

/** What a decider spec expects of a 409 refusal; `message` is checked only when given. */
export interface ExpectedTransitionError {
  readonly reason: string;
  readonly currentState: string;
  readonly allowed: readonly string[];
  readonly message?: string | RegExp;
}

/**
 * Test helper (Jest) shared by the decider specs, not exported from the library: the command must
 * be refused with an `InvalidTransitionError` carrying exactly this reason, current state and
 * allowed list.
 */
export function expectRefusal<Event>(outcome: DeciderThen<Event>, expected: ExpectedTransitionError): void {
  const error = outcome.thenThrows(InvalidTransitionError);
  expect(error.code).toBe('INVALID_TRANSITION');
  expect({ reason: error.reason, currentState: error.currentState, allowed: error.allowed }).toEqual({
    reason: expected.reason,
    currentState: expected.currentState,
    allowed: expected.allowed,
  });
  if (expected.message !== undefined) expect(error.message).toMatch(expected.message);
}
