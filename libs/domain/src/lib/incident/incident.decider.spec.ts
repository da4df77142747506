import type { CommandMetadata } from '../shared/decider';
import { DeciderSpecification } from '../shared/decider-specification';
import { expectRefusal, type ExpectedTransitionError } from '../shared/expect-transition-error';
import { AlreadyExistsError, DomainValidationError, InvalidTransitionError, NotFoundError } from '../shared/domain-error';
import type {
  AcknowledgeIncident,
  AddIncidentNote,
  AssignIncidentRole,
  ChangeIncidentSeverity,
  ChangeIncidentStatus,
  CloseIncident,
  DeclareIncident,
  EscalateIncident,
  IncidentCommand,
  ReopenIncident,
  ResolveIncident,
} from './incident.commands';
import {
  CLOCK_SKEW_ALLOWANCE_MS,
  decideIncident,
  evolveIncident,
  foldIncident,
  incidentDecider,
  initialIncidentState,
  INITIAL_ESCALATION_LEVEL,
} from './incident.decider';
import type {
  IncidentAcknowledged,
  IncidentClosed,
  IncidentDeclared,
  IncidentEscalated,
  IncidentEvent,
  IncidentNoteAdded,
  IncidentReopened,
  IncidentResolved,
  IncidentRoleAssigned,
  IncidentSeverityChanged,
  IncidentStatusChanged,
} from './incident.events';
import type { Incident, IncidentState } from './incident.state';
import {
  ACTIVE_STATUSES,
  INCIDENT_ROLES,
  INCIDENT_STATUSES,
  SETTABLE_STATUSES,
  SEVERITIES,
  type IncidentRole,
  type IncidentStatus,
  type Severity,
  type SettableStatus,
} from './incident.types';

// ---------------------------------------------------------------------------------------------
// Fixtures: one incident moving through its lifecycle a minute per step, decided at NOW.
// ---------------------------------------------------------------------------------------------

const ID = 'inc-42';
const T0 = '2024-03-01T10:00:00.000Z';
const T1 = '2024-03-01T10:01:00.000Z';
const T2 = '2024-03-01T10:02:00.000Z';
const T3 = '2024-03-01T10:03:00.000Z';
const T4 = '2024-03-01T10:04:00.000Z';
const T5 = '2024-03-01T10:05:00.000Z';
const T6 = '2024-03-01T10:06:00.000Z';
const NOW = '2024-03-01T12:00:00.000Z';
const NOW_MS = Date.parse(NOW);
const at = (ms: number): string => new Date(ms).toISOString();

const metadata: CommandMetadata = { actor: 'alice', now: NOW };

const spec = DeciderSpecification.for(incidentDecider);

const declaredEvent = (overrides: Partial<IncidentDeclared['data']> = {}): IncidentDeclared => ({
  type: 'IncidentDeclared',
  data: {
    incidentId: ID,
    title: 'Checkout returns 500',
    severity: 'SEV2',
    service: 'checkout',
    team: null,
    vendorSite: null,
    summary: null,
    commander: null,
    detectedAt: T0,
    labels: {},
    occurredAt: T0,
    ...overrides,
  },
});

const statusChanged = (from: IncidentStatus, to: SettableStatus, occurredAt: string): IncidentStatusChanged => ({
  type: 'IncidentStatusChanged',
  data: { incidentId: ID, from, to, note: null, occurredAt },
});
const acknowledged = (occurredAt: string): IncidentAcknowledged => ({
  type: 'IncidentAcknowledged',
  data: { incidentId: ID, note: null, occurredAt },
});
const resolved = (from: IncidentStatus, occurredAt: string): IncidentResolved => ({
  type: 'IncidentResolved',
  data: { incidentId: ID, resolution: 'Rolled back', from, occurredAt },
});
const reopened = (occurredAt: string): IncidentReopened => ({
  type: 'IncidentReopened',
  data: { incidentId: ID, reason: 'Errors are back', occurredAt },
});
const closed = (occurredAt: string): IncidentClosed => ({ type: 'IncidentClosed', data: { incidentId: ID, occurredAt } });
const escalated = (fromLevel: number, toLevel: number, occurredAt: string, severity: Partial<Pick<IncidentEscalated['data'], 'severity' | 'previousSeverity'>> = {}): IncidentEscalated => ({
  type: 'IncidentEscalated',
  data: {
    incidentId: ID,
    reason: 'No progress',
    fromLevel,
    toLevel,
    toTeam: null,
    severity: null,
    previousSeverity: null,
    auto: false,
    policyId: null,
    policyVersion: null,
    target: null,
    occurredAt,
    ...severity,
  },
});
const roleAssigned = (role: IncidentRole, assignee: string, previousAssignee: string | null, occurredAt: string): IncidentRoleAssigned => ({
  type: 'IncidentRoleAssigned',
  data: { incidentId: ID, role, assignee, previousAssignee, occurredAt },
});

/** The shortest history that leaves the incident in each status. */
const HISTORY: Readonly<Record<IncidentStatus, readonly IncidentEvent[]>> = (() => {
  const declared = [declaredEvent()];
  const investigating = [...declared, statusChanged('declared', 'investigating', T1)];
  const identified = [...investigating, statusChanged('investigating', 'identified', T2)];
  const monitoring = [...identified, statusChanged('identified', 'monitoring', T3)];
  const resolvedHistory = [...monitoring, resolved('monitoring', T4)];
  const closedHistory = [...resolvedHistory, closed(T5)];
  return { declared, investigating, identified, monitoring, resolved: resolvedHistory, closed: closedHistory };
})();

const OPEN_STATUSES = INCIDENT_STATUSES.filter((s) => s !== 'closed');

// Commands with representative data; each test states the bits it depends on.
const declare = (data: Partial<DeclareIncident['data']> = {}): DeclareIncident => ({
  type: 'DeclareIncident',
  data: { incidentId: ID, title: 'Checkout returns 500', severity: 'SEV2', service: 'checkout', ...data },
  metadata,
});
const acknowledge = (data: AcknowledgeIncident['data'] = {}): AcknowledgeIncident => ({ type: 'AcknowledgeIncident', data, metadata });
const escalate = (data: Partial<EscalateIncident['data']> = {}): EscalateIncident => ({
  type: 'EscalateIncident',
  data: { reason: 'No progress', ...data },
  metadata,
});
const changeSeverity = (severity: Severity): ChangeIncidentSeverity => ({
  type: 'ChangeIncidentSeverity',
  data: { severity, reason: 'Impact changed' },
  metadata,
});
const changeStatus = (status: SettableStatus, note?: string): ChangeIncidentStatus => ({
  type: 'ChangeIncidentStatus',
  data: note === undefined ? { status } : { status, note },
  metadata,
});
const addNote = (occurredAt?: string): AddIncidentNote => ({
  type: 'AddIncidentNote',
  data: occurredAt === undefined ? { text: 'Looking at the dashboards' } : { text: 'Looking at the dashboards', occurredAt },
  metadata,
});
const assignRole = (role: IncidentRole, assignee: string): AssignIncidentRole => ({ type: 'AssignIncidentRole', data: { role, assignee }, metadata });
const resolve = (): ResolveIncident => ({ type: 'ResolveIncident', data: { resolution: 'Rolled back' }, metadata });
const reopen = (): ReopenIncident => ({ type: 'ReopenIncident', data: { reason: 'Errors are back' }, metadata });
const close = (): CloseIncident => ({ type: 'CloseIncident', data: {}, metadata });

const LIFECYCLE_COMMANDS: ReadonlyArray<readonly [Exclude<IncidentCommand['type'], 'DeclareIncident'>, IncidentCommand]> = [
  ['AcknowledgeIncident', acknowledge()],
  ['EscalateIncident', escalate()],
  ['ChangeIncidentSeverity', changeSeverity('SEV1')],
  ['ChangeIncidentStatus', changeStatus('investigating')],
  ['AddIncidentNote', addNote()],
  ['AssignIncidentRole', assignRole('scribe', 'bob')],
  ['ResolveIncident', resolve()],
  ['ReopenIncident', reopen()],
  ['CloseIncident', close()],
];

function expectTransitionError(history: readonly IncidentEvent[], command: IncidentCommand, expected: ExpectedTransitionError): void {
  expectRefusal(spec.given(history).when(command), expected);
}

function expectValidationError(history: readonly IncidentEvent[], command: IncidentCommand, reason: string, field: string): void {
  const error = spec.given(history).when(command).thenThrows(DomainValidationError);
  expect(error.code).toBe('VALIDATION_FAILED');
  expect(error.reason).toBe(reason);
  expect(error.errors.map((e) => e.field)).toEqual([field]);
  expect(error.errors[0]?.message).toEqual(expect.any(String));
}

function stateAfter(history: readonly IncidentEvent[]): Incident {
  const state = foldIncident(history);
  if (state === null) throw new Error('fixture history did not declare the incident');
  return state;
}

// ---------------------------------------------------------------------------------------------

describe('incident decider', () => {
  describe('DeclareIncident', () => {
    it('declares with defaults: nulls for absent fields, no labels, detectedAt = now', () => {
      spec.given([]).when(declare()).then([
        declaredEvent({ detectedAt: NOW, occurredAt: NOW }),
      ]);
    });

    it('carries every given field', () => {
      spec
        .given([])
        .when(
          declare({
            severity: 'SEV1',
            team: 'payments',
            vendorSite: 'eu-west',
            summary: 'Card payments fail',
            commander: 'carol',
            detectedAt: T0,
            labels: { region: 'eu' },
          }),
        )
        .then([
          declaredEvent({
            severity: 'SEV1',
            team: 'payments',
            vendorSite: 'eu-west',
            summary: 'Card payments fail',
            commander: 'carol',
            detectedAt: T0,
            labels: { region: 'eu' },
            occurredAt: NOW,
          }),
        ]);
    });

    it.each([
      ['exactly now', NOW],
      ['within the clock-skew allowance', at(NOW_MS + CLOCK_SKEW_ALLOWANCE_MS)],
      ['with a zone offset, in the past', '2024-03-01T11:00:00+02:00', '2024-03-01T09:00:00.000Z'],
    ])('accepts detectedAt %s, normalised to UTC', (_label, detectedAt, stored = detectedAt) => {
      spec.given([]).when(declare({ detectedAt })).then([declaredEvent({ detectedAt: stored, occurredAt: NOW })]);
    });

    it('rejects detectedAt beyond the clock-skew allowance', () => {
      expectValidationError([], declare({ detectedAt: at(NOW_MS + CLOCK_SKEW_ALLOWANCE_MS + 1) }), 'TIMESTAMP_IN_FUTURE', 'detectedAt');
    });

    it.each([['yesterday'], ['2024-03-01T10:00:00'], ['2024-02-30T25:00:00Z'], ['']])('rejects detectedAt %p that is not an ISO timestamp with zone', (detectedAt) => {
      expectValidationError([], declare({ detectedAt }), 'TIMESTAMP_INVALID', 'detectedAt');
    });

    it.each(INCIDENT_STATUSES)('refuses to declare again when the incident is %s', (status) => {
      const error = spec.given(HISTORY[status]).when(declare()).thenThrows(AlreadyExistsError);
      expect(error.code).toBe('ALREADY_EXISTS');
      expect(error.message).toContain(ID);
    });
  });

  describe('before declaration', () => {
    it.each(LIFECYCLE_COMMANDS)('%s is NotFound', (_type, command) => {
      const error = spec.given([]).when(command).thenThrows(NotFoundError);
      expect(error.code).toBe('NOT_FOUND');
      expect(error.message).toMatch(/^Cannot .+: it has not been declared$/);
    });
  });

  describe('closed is final', () => {
    it.each(LIFECYCLE_COMMANDS)('%s on a closed incident is INCIDENT_CLOSED', (_type, command) => {
      expectTransitionError(HISTORY.closed, command, {
        reason: 'INCIDENT_CLOSED',
        currentState: 'closed',
        allowed: [],
        message: /status is closed; closed is final/,
      });
    });
  });

  describe('AcknowledgeIncident', () => {
    it.each(ACTIVE_STATUSES)('acknowledges a %s incident', (status) => {
      spec.given(HISTORY[status]).when(acknowledge()).then([acknowledged(NOW)]);
    });

    it('keeps the note', () => {
      spec
        .given(HISTORY.declared)
        .when(acknowledge({ note: 'On it' }))
        .then([{ type: 'IncidentAcknowledged', data: { incidentId: ID, note: 'On it', occurredAt: NOW } }]);
    });

    it.each(ACTIVE_STATUSES)('refuses a second acknowledgement while %s', (status) => {
      const [declared, ...rest] = HISTORY[status];
      const history = [declared as IncidentEvent, acknowledged(T0), ...rest];
      expectTransitionError(history, acknowledge(), {
        reason: 'ALREADY_ACKNOWLEDGED',
        currentState: 'acknowledged',
        allowed: ['unacknowledged'],
        message: `Cannot acknowledge incident: it was already acknowledged at ${T0}; acknowledge is allowed only once`,
      });
    });

    it('refuses a resolved incident', () => {
      expectTransitionError(HISTORY.resolved, acknowledge(), {
        reason: 'INCIDENT_RESOLVED',
        currentState: 'resolved',
        allowed: ACTIVE_STATUSES,
        message: 'Cannot acknowledge incident: status is resolved; acknowledge is allowed only from declared, investigating, identified or monitoring',
      });
    });

    it('reports the resolved status before an earlier acknowledgement', () => {
      const history = [declaredEvent(), acknowledged(T1), resolved('declared', T2)];
      expectTransitionError(history, acknowledge(), { reason: 'INCIDENT_RESOLVED', currentState: 'resolved', allowed: ACTIVE_STATUSES });
    });

    it('still counts the acknowledgement after a reopen', () => {
      const history = [declaredEvent(), acknowledged(T1), resolved('declared', T2), reopened(T3)];
      expectTransitionError(history, acknowledge(), { reason: 'ALREADY_ACKNOWLEDGED', currentState: 'acknowledged', allowed: ['unacknowledged'] });
    });
  });

  describe('EscalateIncident', () => {
    it.each(ACTIVE_STATUSES)('raises a %s incident one level by default, as a manual escalation', (status) => {
      spec
        .given(HISTORY[status])
        .when(escalate())
        .then([escalated(INITIAL_ESCALATION_LEVEL, INITIAL_ESCALATION_LEVEL + 1, NOW)]);
    });

    it('starts counting at level 1, so the first escalation goes to level 2', () => {
      expect(INITIAL_ESCALATION_LEVEL).toBe(1);
      spec.given(HISTORY.declared).when(escalate()).then([escalated(1, 2, NOW)]);
    });

    it('raises from the current level after earlier escalations', () => {
      spec.given([declaredEvent(), escalated(1, 3, T1)]).when(escalate()).then([escalated(3, 4, NOW)]);
    });

    it('jumps to the given toLevel', () => {
      spec.given(HISTORY.investigating).when(escalate({ toLevel: 4 })).then([escalated(1, 4, NOW)]);
    });

    it.each([
      ['equal to the current level', [declaredEvent()], 1],
      ['lower than the current level', [declaredEvent(), escalated(1, 3, T1)], 2],
    ] as const)('rejects a toLevel %s', (_label, history, toLevel) => {
      expectValidationError(history, escalate({ toLevel }), 'ESCALATION_LEVEL_NOT_HIGHER', 'toLevel');
    });

    it('rejects a fractional toLevel', () => {
      expectValidationError(HISTORY.declared, escalate({ toLevel: 2.5 }), 'ESCALATION_LEVEL_INVALID', 'toLevel');
    });

    it('records a severity change that comes with the escalation', () => {
      spec
        .given(HISTORY.investigating)
        .when(escalate({ severity: 'SEV1' }))
        .then([escalated(1, 2, NOW, { severity: 'SEV1', previousSeverity: 'SEV2' })]);
    });

    it('records no severity change when the given severity is the current one', () => {
      spec.given(HISTORY.investigating).when(escalate({ severity: 'SEV2' })).then([escalated(1, 2, NOW)]);
    });

    it('carries the team escalated to', () => {
      spec
        .given(HISTORY.investigating)
        .when(escalate({ toTeam: 'sre' }))
        .then([{ ...escalated(1, 2, NOW), data: { ...escalated(1, 2, NOW).data, toTeam: 'sre' } }]);
    });

    it('records which policy fired an automatic escalation', () => {
      const auto = { policyId: 'sev1-default', policyVersion: 3, target: { team: 'sre', person: 'dave' } };
      spec
        .given(HISTORY.declared)
        .when(escalate({ reason: 'Not acknowledged within 5 minutes', auto }))
        .then([
          {
            type: 'IncidentEscalated',
            data: {
              ...escalated(1, 2, NOW).data,
              reason: 'Not acknowledged within 5 minutes',
              auto: true,
              policyId: 'sev1-default',
              policyVersion: 3,
              target: { team: 'sre', person: 'dave' },
            },
          },
        ]);
    });

    it('refuses a resolved incident', () => {
      expectTransitionError(HISTORY.resolved, escalate(), {
        reason: 'INCIDENT_RESOLVED',
        currentState: 'resolved',
        allowed: ACTIVE_STATUSES,
        message: 'Cannot escalate incident: status is resolved; escalate is allowed only from declared, investigating, identified or monitoring',
      });
    });
  });

  describe('ChangeIncidentSeverity', () => {
    it.each(OPEN_STATUSES)('changes the severity of a %s incident', (status) => {
      const expected: IncidentSeverityChanged = {
        type: 'IncidentSeverityChanged',
        data: { incidentId: ID, from: 'SEV2', to: 'SEV1', reason: 'Impact changed', occurredAt: NOW },
      };
      spec.given(HISTORY[status]).when(changeSeverity('SEV1')).then([expected]);
    });

    it('lowers the severity too', () => {
      spec
        .given(HISTORY.monitoring)
        .when(changeSeverity('SEV4'))
        .then([{ type: 'IncidentSeverityChanged', data: { incidentId: ID, from: 'SEV2', to: 'SEV4', reason: 'Impact changed', occurredAt: NOW } }]);
    });

    it('refuses the current severity', () => {
      expectTransitionError(HISTORY.investigating, changeSeverity('SEV2'), {
        reason: 'SEVERITY_UNCHANGED',
        currentState: 'SEV2',
        allowed: SEVERITIES.filter((s) => s !== 'SEV2'),
        message: /severity is already SEV2; allowed: SEV1, SEV3 or SEV4/,
      });
    });
  });

  describe('ChangeIncidentStatus', () => {
    const moves = ACTIVE_STATUSES.flatMap((from) => SETTABLE_STATUSES.filter((to) => to !== from).map((to) => [from, to] as const));

    it('covers every move between distinct active statuses, backwards included', () => {
      expect(moves).toHaveLength(9);
      expect(moves).toContainEqual(['monitoring', 'investigating']);
      expect(moves).toContainEqual(['declared', 'monitoring']);
    });

    it.each(moves)('moves %s → %s', (from, to) => {
      spec.given(HISTORY[from]).when(changeStatus(to)).then([statusChanged(from, to, NOW)]);
    });

    it('keeps the note', () => {
      spec
        .given(HISTORY.investigating)
        .when(changeStatus('identified', 'Bad deploy 1.4.2'))
        .then([{ type: 'IncidentStatusChanged', data: { incidentId: ID, from: 'investigating', to: 'identified', note: 'Bad deploy 1.4.2', occurredAt: NOW } }]);
    });

    it.each(SETTABLE_STATUSES)('refuses to move %s to itself', (status) => {
      expectTransitionError(HISTORY[status], changeStatus(status), {
        reason: 'STATUS_UNCHANGED',
        currentState: status,
        allowed: SETTABLE_STATUSES.filter((s) => s !== status),
        message: new RegExp(`^Cannot change incident status: status is already ${status}; allowed targets are `),
      });
    });

    it.each(SETTABLE_STATUSES)('refuses to move a resolved incident to %s and points to reopen', (status) => {
      expectTransitionError(HISTORY.resolved, changeStatus(status), {
        reason: 'INCIDENT_RESOLVED',
        currentState: 'resolved',
        allowed: ACTIVE_STATUSES,
        message:
          'Cannot change incident status: status is resolved; a status change is allowed only from declared, investigating, identified or monitoring; use reopen to resume work on a resolved incident',
      });
    });
  });

  describe('AddIncidentNote', () => {
    const note = (occurredAt: string): IncidentNoteAdded => ({
      type: 'IncidentNoteAdded',
      data: { incidentId: ID, text: 'Looking at the dashboards', occurredAt },
    });

    it.each(OPEN_STATUSES)('adds a note to a %s incident at the current time', (status) => {
      spec.given(HISTORY[status]).when(addNote()).then([note(NOW)]);
    });

    it.each([
      ['back-dated within the incident', T2],
      ['back-dated before the declaration', '2024-03-01T09:30:00.000Z'],
      ['with a zone offset', '2024-03-01T12:30:00+01:00', '2024-03-01T11:30:00.000Z'],
      ['without milliseconds', '2024-03-01T09:30:00Z', '2024-03-01T09:30:00.000Z'],
      ['within the clock-skew allowance', at(NOW_MS + CLOCK_SKEW_ALLOWANCE_MS)],
    ])('keeps an occurredAt %s, normalised to UTC', (_label, occurredAt, stored = occurredAt) => {
      spec.given(HISTORY.investigating).when(addNote(occurredAt)).then([note(stored)]);
    });

    it('rejects an occurredAt beyond the clock-skew allowance', () => {
      expectValidationError(HISTORY.investigating, addNote(at(NOW_MS + CLOCK_SKEW_ALLOWANCE_MS + 1)), 'TIMESTAMP_IN_FUTURE', 'occurredAt');
    });

    it('rejects an occurredAt a day ahead and says why', () => {
      const error = spec.given(HISTORY.investigating).when(addNote('2024-03-02T12:00:00Z')).thenThrows(DomainValidationError);
      expect(error.message).toMatch(/occurredAt 2024-03-02T12:00:00Z must not be in the future/);
    });

    it.each([['not a date'], ['2024-03-01 10:00'], ['2024-03-01T10:00:00']])('rejects occurredAt %p that is not an ISO timestamp with zone', (occurredAt) => {
      expectValidationError(HISTORY.investigating, addNote(occurredAt), 'TIMESTAMP_INVALID', 'occurredAt');
    });
  });

  describe('AssignIncidentRole', () => {
    it.each(INCIDENT_ROLES)('assigns an empty %s role', (role) => {
      spec.given(HISTORY.investigating).when(assignRole(role, 'bob')).then([roleAssigned(role, 'bob', null, NOW)]);
    });

    it.each(OPEN_STATUSES)('assigns a role on a %s incident', (status) => {
      spec.given(HISTORY[status]).when(assignRole('scribe', 'bob')).then([roleAssigned('scribe', 'bob', null, NOW)]);
    });

    it('hands a role over and names the previous assignee', () => {
      spec
        .given([declaredEvent(), roleAssigned('communications', 'bob', null, T1)])
        .when(assignRole('communications', 'erin'))
        .then([roleAssigned('communications', 'erin', 'bob', NOW)]);
    });

    it('knows the commander named at declaration', () => {
      spec.given([declaredEvent({ commander: 'carol' })]).when(assignRole('commander', 'bob')).then([roleAssigned('commander', 'bob', 'carol', NOW)]);
    });

    it('refuses to assign the current assignee again', () => {
      expectTransitionError([declaredEvent(), roleAssigned('scribe', 'bob', null, T1)], assignRole('scribe', 'bob'), {
        reason: 'ROLE_UNCHANGED',
        currentState: 'scribe=bob',
        allowed: [],
        message: /scribe is already bob/,
      });
    });

    it('refuses to re-assign the commander named at declaration', () => {
      expectTransitionError([declaredEvent({ commander: 'carol' })], assignRole('commander', 'carol'), {
        reason: 'ROLE_UNCHANGED',
        currentState: 'commander=carol',
        allowed: [],
      });
    });

    it('lets the same person hold a second role', () => {
      spec
        .given([declaredEvent({ commander: 'carol' })])
        .when(assignRole('scribe', 'carol'))
        .then([roleAssigned('scribe', 'carol', null, NOW)]);
    });
  });

  describe('ResolveIncident', () => {
    it.each(ACTIVE_STATUSES)('resolves a %s incident', (status) => {
      spec.given(HISTORY[status]).when(resolve()).then([resolved(status, NOW)]);
    });

    it('refuses an incident that is already resolved', () => {
      expectTransitionError(HISTORY.resolved, resolve(), {
        reason: 'ALREADY_RESOLVED',
        currentState: 'resolved',
        allowed: ACTIVE_STATUSES,
        message: 'Cannot resolve incident: status is resolved; resolve is allowed only from declared, investigating, identified or monitoring',
      });
    });
  });

  describe('ReopenIncident', () => {
    it('reopens a resolved incident', () => {
      spec.given(HISTORY.resolved).when(reopen()).then([reopened(NOW)]);
    });

    it.each(ACTIVE_STATUSES)('refuses a %s incident', (status) => {
      expectTransitionError(HISTORY[status], reopen(), {
        reason: 'NOT_RESOLVED',
        currentState: status,
        allowed: ['resolved'],
        message: `Cannot reopen incident: status is ${status}; reopen is allowed only from resolved`,
      });
    });
  });

  describe('CloseIncident', () => {
    it('closes a resolved incident', () => {
      spec.given(HISTORY.resolved).when(close()).then([closed(NOW)]);
    });

    it('closes a reopened incident once it is resolved again', () => {
      spec.given([...HISTORY.resolved, reopened(T5), resolved('investigating', T6)]).when(close()).then([closed(NOW)]);
    });

    it.each(ACTIVE_STATUSES)('refuses a %s incident', (status) => {
      expectTransitionError(HISTORY[status], close(), {
        reason: 'NOT_RESOLVED',
        currentState: status,
        allowed: ['resolved'],
        message: `Cannot close incident: status is ${status}; close is allowed only from resolved`,
      });
    });
  });

  describe('every InvalidTransitionError names the current state and what is allowed', () => {
    const illegal: ReadonlyArray<readonly [IncidentStatus, IncidentCommand]> = [
      ...INCIDENT_STATUSES.filter((s) => s !== 'resolved').map((s) => [s, reopen()] as const),
      ...INCIDENT_STATUSES.filter((s) => s !== 'resolved').map((s) => [s, close()] as const),
      ['resolved', resolve()],
      ['resolved', acknowledge()],
      ['resolved', escalate()],
      ['resolved', changeStatus('monitoring')],
      ['closed', addNote()],
      ['closed', changeSeverity('SEV1')],
      ['closed', assignRole('scribe', 'bob')],
    ];

    it.each(illegal)('%s: %j', (status, command) => {
      const error = spec.given(HISTORY[status]).when(command).thenThrows(InvalidTransitionError);
      expect(error.currentState).toBe(status);
      expect(error.message).toContain(`status is ${status}`);
      if (status === 'closed') {
        expect(error.message).toContain('closed is final');
      } else {
        const allowed = error.allowed.length === 1 ? error.allowed[0] : `${error.allowed.slice(0, -1).join(', ')} or ${error.allowed.at(-1)}`;
        expect(error.allowed.length).toBeGreaterThan(0);
        expect(error.message).toContain(`allowed only from ${allowed}`);
      }
    });
  });
});

describe('incident evolve', () => {
  it('starts from no incident', () => {
    expect(initialIncidentState()).toBeNull();
    expect(foldIncident([])).toBeNull();
  });

  it('exposes decide, evolve and initialState as a Decider', () => {
    expect(incidentDecider.decide).toBe(decideIncident);
    expect(incidentDecider.evolve).toBe(evolveIncident);
    expect(incidentDecider.initialState).toBe(initialIncidentState);
  });

  it('builds the declared incident', () => {
    expect(foldIncident([declaredEvent({ detectedAt: '2024-03-01T09:50:00.000Z' })])).toEqual<Incident>({
      id: ID,
      title: 'Checkout returns 500',
      severity: 'SEV2',
      status: 'declared',
      service: 'checkout',
      team: null,
      vendorSite: null,
      summary: null,
      commander: null,
      roles: {},
      labels: {},
      escalationLevel: 1,
      declaredAt: T0,
      detectedAt: '2024-03-01T09:50:00.000Z',
      acknowledgedAt: null,
      mitigatedAt: null,
      resolvedAt: null,
      closedAt: null,
    });
  });

  it('puts the declared commander into roles', () => {
    const state = stateAfter([declaredEvent({ commander: 'carol', team: 'payments', labels: { region: 'eu' } })]);
    expect(state.commander).toBe('carol');
    expect(state.roles).toEqual({ commander: 'carol' });
    expect(state.team).toBe('payments');
    expect(state.labels).toEqual({ region: 'eu' });
  });

  it('records the acknowledgement time', () => {
    expect(stateAfter([declaredEvent(), acknowledged(T1)]).acknowledgedAt).toBe(T1);
  });

  it('follows status changes', () => {
    expect(stateAfter(HISTORY.identified).status).toBe('identified');
    expect(stateAfter([...HISTORY.monitoring, statusChanged('monitoring', 'investigating', T4)]).status).toBe('investigating');
  });

  describe('mitigatedAt', () => {
    it('is unset before monitoring', () => {
      expect(stateAfter(HISTORY.identified).mitigatedAt).toBeNull();
    });

    it('is set the first time the incident reaches monitoring', () => {
      expect(stateAfter(HISTORY.monitoring).mitigatedAt).toBe(T3);
    });

    it('keeps the first mitigation when monitoring is left and reached again', () => {
      const history = [...HISTORY.monitoring, statusChanged('monitoring', 'identified', T4), statusChanged('identified', 'monitoring', T5)];
      expect(stateAfter(history).mitigatedAt).toBe(T3);
    });

    it('is set by resolving when monitoring was skipped', () => {
      const state = stateAfter([...HISTORY.investigating, resolved('investigating', T2)]);
      expect(state.mitigatedAt).toBe(T2);
      expect(state.resolvedAt).toBe(T2);
    });

    it('is not moved by resolving after monitoring', () => {
      expect(stateAfter(HISTORY.resolved).mitigatedAt).toBe(T3);
    });
  });

  it('resolves', () => {
    const state = stateAfter(HISTORY.resolved);
    expect(state.status).toBe('resolved');
    expect(state.resolvedAt).toBe(T4);
  });

  it('reopens: back to investigating with resolution and mitigation cleared', () => {
    const state = stateAfter([...HISTORY.resolved, reopened(T5)]);
    expect(state.status).toBe('investigating');
    expect(state.resolvedAt).toBeNull();
    expect(state.mitigatedAt).toBeNull();
  });

  it('reopens without forgetting the acknowledgement or the escalation level', () => {
    const state = stateAfter([declaredEvent(), acknowledged(T1), escalated(1, 2, T1), resolved('declared', T2), reopened(T3)]);
    expect(state.acknowledgedAt).toBe(T1);
    expect(state.escalationLevel).toBe(2);
  });

  it('measures mitigation again after a reopen', () => {
    const state = stateAfter([...HISTORY.resolved, reopened(T5), statusChanged('investigating', 'monitoring', T6)]);
    expect(state.mitigatedAt).toBe(T6);
  });

  it('closes', () => {
    const state = stateAfter(HISTORY.closed);
    expect(state.status).toBe('closed');
    expect(state.closedAt).toBe(T5);
    expect(state.resolvedAt).toBe(T4);
  });

  describe('roles', () => {
    it('records assignments per role', () => {
      const state = stateAfter([declaredEvent(), roleAssigned('scribe', 'bob', null, T1), roleAssigned('liaison', 'erin', null, T2)]);
      expect(state.roles).toEqual({ scribe: 'bob', liaison: 'erin' });
      expect(state.commander).toBeNull();
    });

    it('keeps commander in step with the commander role', () => {
      const state = stateAfter([declaredEvent({ commander: 'carol' }), roleAssigned('commander', 'bob', 'carol', T1)]);
      expect(state.commander).toBe('bob');
      expect(state.roles).toEqual({ commander: 'bob' });
    });
  });

  describe('escalation', () => {
    it('sets the escalation level', () => {
      expect(stateAfter([declaredEvent(), escalated(1, 3, T1)]).escalationLevel).toBe(3);
    });

    it('applies a severity carried by the escalation', () => {
      expect(stateAfter([declaredEvent(), escalated(1, 2, T1, { severity: 'SEV1', previousSeverity: 'SEV2' })]).severity).toBe('SEV1');
    });

    it('keeps the severity when the escalation carries none', () => {
      expect(stateAfter([declaredEvent(), escalated(1, 2, T1)]).severity).toBe('SEV2');
    });
  });

  it('changes severity', () => {
    const changed: IncidentSeverityChanged = { type: 'IncidentSeverityChanged', data: { incidentId: ID, from: 'SEV2', to: 'SEV3', reason: 'Contained', occurredAt: T1 } };
    expect(stateAfter([declaredEvent(), changed]).severity).toBe('SEV3');
  });

  it('leaves the incident as it was when a note is added', () => {
    const before = stateAfter(HISTORY.investigating);
    const note: IncidentNoteAdded = { type: 'IncidentNoteAdded', data: { incidentId: ID, text: 'x', occurredAt: T0 } };
    expect(evolveIncident(before, note)).toEqual(before);
  });

  it('refuses to apply events to an incident that was never declared', () => {
    expect(() => evolveIncident(null, acknowledged(T1))).toThrow(/never declared/);
  });
});

describe('incident lifecycle, decided and folded end to end', () => {
  function run(commands: readonly IncidentCommand[]): { state: IncidentState; events: IncidentEvent[] } {
    let state = initialIncidentState();
    const events: IncidentEvent[] = [];
    for (const command of commands) {
      // Frozen state proves decide and evolve never mutate what they are given.
      for (const event of decideIncident(command, Object.freeze(state))) {
        events.push(event);
        state = evolveIncident(state, event);
      }
    }
    return { state, events };
  }

  it('declares, escalates with severity, mitigates, resolves, reopens, resolves and closes', () => {
    const { state, events } = run([
      declare({ commander: 'carol' }),
      acknowledge(),
      escalate({ severity: 'SEV1', toTeam: 'sre' }),
      changeStatus('investigating'),
      changeStatus('monitoring'),
      resolve(),
      reopen(),
      changeStatus('identified'),
      assignRole('commander', 'bob'),
      resolve(),
      close(),
    ]);

    expect(events.map((e) => e.type)).toEqual([
      'IncidentDeclared',
      'IncidentAcknowledged',
      'IncidentEscalated',
      'IncidentStatusChanged',
      'IncidentStatusChanged',
      'IncidentResolved',
      'IncidentReopened',
      'IncidentStatusChanged',
      'IncidentRoleAssigned',
      'IncidentResolved',
      'IncidentClosed',
    ]);
    expect(events.every((e) => e.data.occurredAt === NOW)).toBe(true);
    expect(state).toMatchObject({
      status: 'closed',
      severity: 'SEV1',
      escalationLevel: 2,
      commander: 'bob',
      roles: { commander: 'bob' },
      acknowledgedAt: NOW,
      mitigatedAt: NOW,
      resolvedAt: NOW,
      closedAt: NOW,
    });
  });
});
