import type { IncidentTransitionReason, IncidentValidationReason } from '../incident/incident.refusals';
import { DomainValidationError, InvalidTransitionError } from './domain-error';

// The compile-time side (a misspelt or foreign reason does not compile) is refusal-reasons.type-test.ts.
describe('refusal reasons', () => {
  it('accept the reasons of the aggregate they are typed for', () => {
    const refusal = new InvalidTransitionError<IncidentTransitionReason>('ALREADY_ACKNOWLEDGED', 'already acknowledged', 'acknowledged');
    const invalid = new DomainValidationError<IncidentValidationReason>('TIMESTAMP_INVALID', 'bad time');
    expect([refusal.reason, invalid.reason]).toEqual(['ALREADY_ACKNOWLEDGED', 'TIMESTAMP_INVALID']);
  });
});
