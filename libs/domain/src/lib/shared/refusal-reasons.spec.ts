import type { ActionItemTransitionReason } from '../action-item/action-item.refusals';
import type { IncidentTransitionReason, IncidentValidationReason } from '../incident/incident.refusals';
import { DomainValidationError, InvalidTransitionError } from './domain-error';
import { throwIfInvalid } from './field-problem';
import { statusNotAllowed } from './status-not-allowed';

// The checks that matter here are the `@ts-expect-error` lines: `npm test` type-checks this file,
// and the build fails if a misspelt or foreign reason ever compiles.
describe('refusal reasons', () => {
  it('accept the reasons of the aggregate they are typed for', () => {
    const refusal = new InvalidTransitionError<IncidentTransitionReason>('ALREADY_ACKNOWLEDGED', 'already acknowledged', 'acknowledged');
    const invalid = new DomainValidationError<IncidentValidationReason>('TIMESTAMP_INVALID', 'bad time');
    expect([refusal.reason, invalid.reason]).toEqual(['ALREADY_ACKNOWLEDGED', 'TIMESTAMP_INVALID']);
  });

  it('refuse a misspelt reason at compile time', () => {
    const build = (): unknown => [
      // @ts-expect-error 'ALREADY_ACKNOWLEGED' is in no aggregate's list.
      new InvalidTransitionError('ALREADY_ACKNOWLEGED', 'typo'),
      // @ts-expect-error 'TIMESTAMP_INVALD' is in no aggregate's list.
      new DomainValidationError('TIMESTAMP_INVALD', 'typo'),
      // @ts-expect-error a 409 reason is not a 400 reason.
      throwIfInvalid([{ reason: 'INCIDENT_CLOSED', field: 'f', message: 'm' }]),
      // @ts-expect-error statusNotAllowed takes only listed reasons.
      statusNotAllowed('INCIDENT_CLOSD', { attempt: 'x', name: 'x' }, 'closed', []),
    ];
    expect(typeof build).toBe('function');
  });

  it('refuse another aggregate’s reason where the aggregate is named', () => {
    const build = (): unknown => [
      // @ts-expect-error RCA_IN_REVIEW is an RCA reason, not an incident one.
      new InvalidTransitionError<IncidentTransitionReason>('RCA_IN_REVIEW', 'wrong aggregate'),
      // @ts-expect-error ALREADY_ACKNOWLEDGED is an incident reason, not an action-item one.
      new InvalidTransitionError<ActionItemTransitionReason>('ALREADY_ACKNOWLEDGED', 'wrong aggregate'),
    ];
    expect(typeof build).toBe('function');
  });
});
