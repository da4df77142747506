// Compile-time checks, run by `npm run typecheck` (part of `npm test`): every `@ts-expect-error`
// line must be an error, so the type check fails if a misspelt or foreign reason ever compiles.
// Nothing here runs.
import type { ActionItemTransitionReason } from '../action-item/action-item.refusals';
import type { IncidentTransitionReason } from '../incident/incident.refusals';
import { DomainValidationError, InvalidTransitionError } from './domain-error';
import { throwIfInvalid } from './field-problem';
import { statusNotAllowed } from './status-not-allowed';

// A misspelt reason is in no aggregate's list.
export const misspeltReasonChecks = (): unknown => [
  // @ts-expect-error 'ALREADY_ACKNOWLEGED' is in no aggregate's list.
  new InvalidTransitionError('ALREADY_ACKNOWLEGED', 'typo'),
  // @ts-expect-error 'TIMESTAMP_INVALD' is in no aggregate's list.
  new DomainValidationError('TIMESTAMP_INVALD', 'typo'),
  // @ts-expect-error a 409 reason is not a 400 reason.
  throwIfInvalid([{ reason: 'INCIDENT_CLOSED', field: 'f', message: 'm' }]),
  // @ts-expect-error statusNotAllowed takes only listed reasons.
  statusNotAllowed('INCIDENT_CLOSD', { attempt: 'x', name: 'x' }, 'closed', []),
];

// Another aggregate's reason is refused where the aggregate is named.
export const foreignReasonChecks = (): unknown => [
  // @ts-expect-error RCA_IN_REVIEW is an RCA reason, not an incident one.
  new InvalidTransitionError<IncidentTransitionReason>('RCA_IN_REVIEW', 'wrong aggregate'),
  // @ts-expect-error ALREADY_ACKNOWLEDGED is an incident reason, not an action-item one.
  new InvalidTransitionError<ActionItemTransitionReason>('ALREADY_ACKNOWLEDGED', 'wrong aggregate'),
];
