import type { CommandMetadata } from '../shared/decider';
import { DeciderSpecification } from '../shared/decider-specification';
import { expectRefusal, type ExpectedTransitionError } from '../shared/expect-transition-error';
import { AlreadyExistsError, DomainValidationError, InvalidTransitionError, NotFoundError } from '../shared/domain-error';
import { INCIDENT_STATUSES, type IncidentStatus } from '../incident/incident.types';
import type {
  ActionItemCommand,
  AssignActionItem,
  CancelActionItem,
  CompleteActionItem,
  CreateActionItem,
  MarkActionItemOverdue,
  ReopenActionItem,
  RescheduleActionItem,
  StartActionItem,
} from './action-item.commands';
import { actionItemDecider, decideActionItem, evolveActionItem, foldActionItem, initialActionItemState } from './action-item.decider';
import type {
  ActionItemAssigned,
  ActionItemBecameOverdue,
  ActionItemCancelled,
  ActionItemCompleted,
  ActionItemCreated,
  ActionItemEvent,
  ActionItemReopened,
  ActionItemRescheduled,
  ActionItemStarted,
} from './action-item.events';
import { actionItemHistory } from './action-item.history';
import type { ActionItem } from './action-item.state';
import { ACTION_ITEM_STATUSES, ACTION_ITEM_TITLE_MAX_LENGTH, actionItemStreamId, isValidOwner, type ActionItemStatus } from './action-item.types';

// ---------------------------------------------------------------------------------------------
// Fixtures: an item created at T0, due at DUE; commands are decided at NOW (before DUE) unless a
// test passes a later clock.
// ---------------------------------------------------------------------------------------------

const ID = 'ai-7';
const INCIDENT = 'inc-42';
const T0 = '2024-03-01T10:00:00.000Z';
const T1 = '2024-03-01T11:00:00.000Z';
const T2 = '2024-03-01T12:00:00.000Z';
const T3 = '2024-03-01T13:00:00.000Z';
const NOW = '2024-03-05T12:00:00.000Z';
const DUE = '2024-03-10T17:00:00.000Z';
const LATER_DUE = '2024-03-12T17:00:00.000Z';
const AFTER_DUE = '2024-03-11T09:00:00.000Z';
const AFTER_LATER_DUE = '2024-03-13T09:00:00.000Z';

const metadataAt = (now: string): CommandMetadata => ({ actor: 'alice', now });
const metadata = metadataAt(NOW);

const spec = DeciderSpecification.for(actionItemDecider);

const createdEvent = (overrides: Partial<ActionItemCreated['data']> = {}): ActionItemCreated => ({
  type: 'ActionItemCreated',
  data: {
    actionItemId: ID,
    incidentId: INCIDENT,
    title: 'Add a circuit breaker to the payment client',
    owner: 'alice',
    dueAt: DUE,
    priority: 'P2',
    kind: 'corrective',
    description: null,
    team: null,
    occurredAt: T0,
    ...overrides,
  },
});
const assigned = (from: string, to: string, occurredAt: string, reason: string | null = null): ActionItemAssigned => ({
  type: 'ActionItemAssigned',
  data: { actionItemId: ID, incidentId: INCIDENT, from, to, reason, occurredAt },
});
const rescheduled = (fromDueAt: string, toDueAt: string, slipSeconds: number, occurredAt: string, reason = 'Vendor delay'): ActionItemRescheduled => ({
  type: 'ActionItemRescheduled',
  data: { actionItemId: ID, incidentId: INCIDENT, fromDueAt, toDueAt, slipSeconds, reason, occurredAt },
});
const started = (occurredAt: string): ActionItemStarted => ({ type: 'ActionItemStarted', data: { actionItemId: ID, incidentId: INCIDENT, occurredAt } });
const completed = (occurredAt: string, onTime = true, dueAt = DUE, note: string | null = null): ActionItemCompleted => ({
  type: 'ActionItemCompleted',
  data: { actionItemId: ID, incidentId: INCIDENT, note, dueAt, onTime, occurredAt },
});
const reopened = (occurredAt: string, reason = 'Fix did not hold'): ActionItemReopened => ({
  type: 'ActionItemReopened',
  data: { actionItemId: ID, incidentId: INCIDENT, reason, occurredAt },
});
const cancelled = (occurredAt: string, reason = 'Service retired'): ActionItemCancelled => ({
  type: 'ActionItemCancelled',
  data: { actionItemId: ID, incidentId: INCIDENT, reason, occurredAt },
});
const becameOverdue = (dueAt: string, detectedAt: string): ActionItemBecameOverdue => ({
  type: 'ActionItemBecameOverdue',
  data: { actionItemId: ID, incidentId: INCIDENT, dueAt, detectedAt, occurredAt: detectedAt },
});

/** The shortest history that leaves the item in each status. */
const HISTORY: Readonly<Record<ActionItemStatus, readonly ActionItemEvent[]>> = {
  open: [createdEvent()],
  in_progress: [createdEvent(), started(T1)],
  done: [createdEvent(), started(T1), completed(T2)],
  cancelled: [createdEvent(), cancelled(T1)],
};

const create = (data: Partial<CreateActionItem['data']> = {}, meta = metadata): CreateActionItem => ({
  type: 'CreateActionItem',
  data: {
    actionItemId: ID,
    incidentId: INCIDENT,
    incidentStatus: 'resolved',
    title: 'Add a circuit breaker to the payment client',
    owner: 'alice',
    dueAt: DUE,
    priority: 'P2',
    kind: 'corrective',
    ...data,
  },
  metadata: meta,
});
const assign = (owner: string, reason?: string): AssignActionItem => ({
  type: 'AssignActionItem',
  data: reason === undefined ? { owner } : { owner, reason },
  metadata,
});
const reschedule = (dueAt: string, reason = 'Vendor delay'): RescheduleActionItem => ({ type: 'RescheduleActionItem', data: { dueAt, reason }, metadata });
const start = (): StartActionItem => ({ type: 'StartActionItem', data: {}, metadata });
const complete = (note?: string, meta = metadata): CompleteActionItem => ({
  type: 'CompleteActionItem',
  data: note === undefined ? {} : { note },
  metadata: meta,
});
const reopen = (reason = 'Fix did not hold'): ReopenActionItem => ({ type: 'ReopenActionItem', data: { reason }, metadata });
const cancel = (reason = 'Service retired'): CancelActionItem => ({ type: 'CancelActionItem', data: { reason }, metadata });
const markOverdue = (dueAt: string, now: string): MarkActionItemOverdue => ({ type: 'MarkActionItemOverdue', data: { dueAt }, metadata: metadataAt(now) });

function expectTransitionError(history: readonly ActionItemEvent[], command: ActionItemCommand, expected: ExpectedTransitionError): void {
  expectRefusal(spec.given(history).when(command), expected);
}

function expectValidationError(history: readonly ActionItemEvent[], command: ActionItemCommand, reason: string, fields: readonly string[]): void {
  const error = spec.given(history).when(command).thenThrows(DomainValidationError);
  expect(error.code).toBe('VALIDATION_FAILED');
  expect(error.reason).toBe(reason);
  expect(error.errors.map((e) => e.field)).toEqual(fields);
  for (const e of error.errors) expect(e.message).toMatch(/\S/);
}

function stateAfter(history: readonly ActionItemEvent[]): ActionItem {
  const state = foldActionItem(history);
  if (state === null) throw new Error('fixture history did not create the action item');
  return state;
}

// ---------------------------------------------------------------------------------------------

describe('action item types', () => {
  it.each([
    ['alice'],
    ['j.doe'],
    ['svc_bot-2'],
    ['0day'],
    ['a'.repeat(100)],
    ['alice@example.com'],
    ['Alice.Smith+oncall@mail.example.co.uk'],
    ['team:payments'],
    ['team:sre-eu-1'],
  ])('accepts owner %p', (owner) => {
    expect(isValidOwner(owner)).toBe(true);
  });

  it.each([
    [''],
    ['Alice'],
    ['-alice'],
    ['.alice'],
    ['al ice'],
    [' alice'],
    ['a'.repeat(101)],
    ['alice@'],
    ['@example.com'],
    ['alice@localhost'],
    ['alice@@example.com'],
    ['alice @example.com'],
    [`${'a'.repeat(250)}@example.com`],
    ['team:'],
    ['team:Payments'],
    ['team:-payments'],
    ['team:pay.ments'],
    ['team:pay ments'],
  ])('rejects owner %p', (owner) => {
    expect(isValidOwner(owner)).toBe(false);
  });

  it('names the stream after the item', () => {
    expect(actionItemStreamId(ID)).toBe('action-item-ai-7');
  });
});

describe('action item decider', () => {
  describe('CreateActionItem', () => {
    it('creates an open item with nulls for absent optional fields', () => {
      spec.given([]).when(create()).then([createdEvent({ occurredAt: NOW })]);
    });

    it('carries every given field, trimmed', () => {
      spec
        .given([])
        .when(create({ title: '  Add alerting  ', owner: 'team:payments', priority: 'P1', kind: 'detective', description: ' Page on 5xx ', team: 'payments' }))
        .then([
          createdEvent({
            title: 'Add alerting',
            owner: 'team:payments',
            priority: 'P1',
            kind: 'detective',
            description: 'Page on 5xx',
            team: 'payments',
            occurredAt: NOW,
          }),
        ]);
    });

    it('stores blank description and team as null', () => {
      spec.given([]).when(create({ description: '   ', team: '' })).then([createdEvent({ occurredAt: NOW })]);
    });

    it('normalises dueAt to UTC with milliseconds', () => {
      spec.given([]).when(create({ dueAt: '2024-03-10T19:00:00+02:00' })).then([createdEvent({ occurredAt: NOW })]);
    });

    it('allows a due date in the past: the scheduler flags it', () => {
      spec.given([]).when(create({ dueAt: T0 })).then([createdEvent({ dueAt: T0, occurredAt: NOW })]);
    });

    it.each(INCIDENT_STATUSES.filter((s) => s !== 'closed'))('allows creation while the incident is %s', (incidentStatus) => {
      spec.given([]).when(create({ incidentStatus })).then([createdEvent({ occurredAt: NOW })]);
    });

    it('refuses an item on a closed incident, before looking at the fields', () => {
      const allowed: readonly IncidentStatus[] = ['declared', 'investigating', 'identified', 'monitoring', 'resolved'];
      expectTransitionError([], create({ incidentStatus: 'closed', owner: 'Not Valid' }), {
        reason: 'INCIDENT_CLOSED',
        currentState: 'closed',
        allowed,
        message: `Cannot create action item: incident ${INCIDENT} is closed; action items can be added only while the incident is declared, investigating, identified, monitoring or resolved`,
      });
    });

    it.each([['Bob Smith'], ['bob@'], ['team:']])('rejects owner %p', (owner) => {
      expectValidationError([], create({ owner }), 'OWNER_INVALID', ['owner']);
    });

    it.each([['tomorrow'], ['2024-03-10T17:00:00'], ['2024-03-10'], ['2024-02-30T25:00:00Z'], ['']])('rejects dueAt %p', (dueAt) => {
      expectValidationError([], create({ dueAt }), 'DUE_AT_INVALID', ['dueAt']);
    });

    it.each([[''], ['   '], ['x'.repeat(ACTION_ITEM_TITLE_MAX_LENGTH + 1)]])('rejects title of length %#', (title) => {
      expectValidationError([], create({ title }), 'TITLE_INVALID', ['title']);
    });

    it('accepts a title of the maximum length', () => {
      const title = 'x'.repeat(ACTION_ITEM_TITLE_MAX_LENGTH);
      spec.given([]).when(create({ title })).then([createdEvent({ title, occurredAt: NOW })]);
    });

    it('reports every invalid field at once', () => {
      expectValidationError([], create({ title: ' ', owner: 'Bob', dueAt: 'soon' }), 'FIELDS_INVALID', ['title', 'owner', 'dueAt']);
    });

    it.each(ACTION_ITEM_STATUSES)('refuses to create again when the item is %s', (status) => {
      const error = spec.given(HISTORY[status]).when(create()).thenThrows(AlreadyExistsError);
      expect(error.code).toBe('ALREADY_EXISTS');
      expect(error.message).toBe(`Cannot create action item: action item ${ID} already exists (status ${status})`);
    });
  });

  describe('before creation', () => {
    it.each<[string, ActionItemCommand]>([
      ['AssignActionItem', assign('bob')],
      ['RescheduleActionItem', reschedule(LATER_DUE)],
      ['StartActionItem', start()],
      ['CompleteActionItem', complete()],
      ['ReopenActionItem', reopen()],
      ['CancelActionItem', cancel()],
      ['MarkActionItemOverdue', markOverdue(DUE, AFTER_DUE)],
    ])('%s is NotFound', (_type, command) => {
      const error = spec.given([]).when(command).thenThrows(NotFoundError);
      expect(error.code).toBe('NOT_FOUND');
      expect(error.message).toMatch(/^Cannot .+ action item.*: it does not exist$/);
    });
  });

  describe('status transitions', () => {
    // Every lifecycle command from every status: the event it records, or the error it raises.
    const ACTIVE = ['open', 'in_progress'];
    type Outcome = readonly ActionItemEvent[] | ExpectedTransitionError;
    const matrix: ReadonlyArray<readonly [string, ActionItemStatus, ActionItemCommand, Outcome]> = [
      ['assign', 'open', assign('bob'), [assigned('alice', 'bob', NOW)]],
      ['assign', 'in_progress', assign('bob'), [assigned('alice', 'bob', NOW)]],
      ['assign', 'done', assign('bob'), { reason: 'ACTION_ITEM_DONE', currentState: 'done', allowed: ACTIVE, message: 'Cannot assign action item: status is done; assign is allowed only from open or in_progress; reopen it first' }],
      ['assign', 'cancelled', assign('bob'), { reason: 'ACTION_ITEM_CANCELLED', currentState: 'cancelled', allowed: ACTIVE, message: 'Cannot assign action item: status is cancelled; assign is allowed only from open or in_progress; reopen it first' }],
      ['reschedule', 'open', reschedule(LATER_DUE), [rescheduled(DUE, LATER_DUE, 172_800, NOW)]],
      ['reschedule', 'in_progress', reschedule(LATER_DUE), [rescheduled(DUE, LATER_DUE, 172_800, NOW)]],
      ['reschedule', 'done', reschedule(LATER_DUE), { reason: 'ACTION_ITEM_DONE', currentState: 'done', allowed: ACTIVE, message: /^Cannot reschedule action item: status is done; reschedule is allowed only from open or in_progress/ }],
      ['reschedule', 'cancelled', reschedule(LATER_DUE), { reason: 'ACTION_ITEM_CANCELLED', currentState: 'cancelled', allowed: ACTIVE, message: /status is cancelled; reschedule is allowed only from open or in_progress/ }],
      ['start', 'open', start(), [started(NOW)]],
      ['start', 'in_progress', start(), { reason: 'ALREADY_STARTED', currentState: 'in_progress', allowed: ['open'], message: 'Cannot start action item: status is in_progress; start is allowed only from open' }],
      ['start', 'done', start(), { reason: 'ACTION_ITEM_DONE', currentState: 'done', allowed: ['open'], message: 'Cannot start action item: status is done; start is allowed only from open; reopen it first' }],
      ['start', 'cancelled', start(), { reason: 'ACTION_ITEM_CANCELLED', currentState: 'cancelled', allowed: ['open'] }],
      ['complete', 'open', complete(), [completed(NOW)]],
      ['complete', 'in_progress', complete(), [completed(NOW)]],
      ['complete', 'done', complete(), { reason: 'ACTION_ITEM_DONE', currentState: 'done', allowed: ACTIVE, message: /status is done; complete is allowed only from open or in_progress/ }],
      ['complete', 'cancelled', complete(), { reason: 'ACTION_ITEM_CANCELLED', currentState: 'cancelled', allowed: ACTIVE }],
      ['reopen', 'open', reopen(), { reason: 'NOT_FINISHED', currentState: 'open', allowed: ['done', 'cancelled'], message: 'Cannot reopen action item: status is open; reopen is allowed only from done or cancelled' }],
      ['reopen', 'in_progress', reopen(), { reason: 'NOT_FINISHED', currentState: 'in_progress', allowed: ['done', 'cancelled'] }],
      ['reopen', 'done', reopen(), [reopened(NOW)]],
      ['reopen', 'cancelled', reopen(), [reopened(NOW)]],
      ['cancel', 'open', cancel(), [cancelled(NOW)]],
      ['cancel', 'in_progress', cancel(), [cancelled(NOW)]],
      ['cancel', 'done', cancel(), { reason: 'ACTION_ITEM_DONE', currentState: 'done', allowed: ACTIVE, message: 'Cannot cancel action item: status is done; cancel is allowed only from open or in_progress; reopen it first' }],
      ['cancel', 'cancelled', cancel(), { reason: 'ACTION_ITEM_CANCELLED', currentState: 'cancelled', allowed: ACTIVE }],
    ];

    it('covers every command from every status', () => {
      const covered = new Set(matrix.map(([name, status]) => `${name}/${status}`));
      expect(covered.size).toBe(6 * ACTION_ITEM_STATUSES.length);
    });

    it.each(matrix)('%s from %s', (_name, status, command, outcome) => {
      if (Array.isArray(outcome)) {
        spec.given(HISTORY[status]).when(command).then(outcome as readonly ActionItemEvent[]);
      } else {
        expectTransitionError(HISTORY[status], command, outcome as ExpectedTransitionError);
      }
    });

    it.each([
      ['done', assign('Not Valid')],
      ['cancelled', reschedule('soon', '')],
      ['done', cancel('')],
      ['open', reopen('')],
    ] as const)('checks the status before the fields (%s)', (status, command) => {
      spec.given(HISTORY[status]).when(command).thenThrows(InvalidTransitionError);
    });

    it('evolves each status change into the state', () => {
      expect(stateAfter(HISTORY.open)).toMatchObject({ status: 'open', completedAt: null, cancelledAt: null });
      expect(stateAfter(HISTORY.in_progress).status).toBe('in_progress');
      expect(stateAfter(HISTORY.done)).toMatchObject({ status: 'done', completedAt: T2 });
      expect(stateAfter(HISTORY.cancelled)).toMatchObject({ status: 'cancelled', cancelledAt: T1 });
      expect(stateAfter([...HISTORY.done, reopened(T3)])).toMatchObject({ status: 'open', completedAt: null });
      expect(stateAfter([...HISTORY.cancelled, reopened(T3)])).toMatchObject({ status: 'open', cancelledAt: null });
    });

    it('lets a reopened item be started and completed again', () => {
      spec.given([...HISTORY.done, reopened(T3)]).when(start()).then([started(NOW)]);
      spec.given([...HISTORY.cancelled, reopened(T3)]).when(complete()).then([completed(NOW)]);
    });
  });

  describe('AssignActionItem', () => {
    it('keeps a trimmed reason', () => {
      spec.given(HISTORY.open).when(assign('bob@example.com', '  On holiday ')).then([assigned('alice', 'bob@example.com', NOW, 'On holiday')]);
    });

    it('stores a blank reason as null', () => {
      spec.given(HISTORY.open).when(assign('team:sre', '  ')).then([assigned('alice', 'team:sre', NOW)]);
    });

    it('rejects an invalid owner', () => {
      expectValidationError(HISTORY.open, assign('Bob'), 'OWNER_INVALID', ['owner']);
    });

    it('refuses the current owner', () => {
      expectTransitionError([...HISTORY.in_progress, assigned('alice', 'bob', T2)], assign('bob'), {
        reason: 'OWNER_UNCHANGED',
        currentState: 'owner=bob',
        allowed: [],
        message: 'Cannot assign action item: owner is already bob; allowed: any other owner',
      });
    });

    it('assigns back to an earlier owner', () => {
      spec.given([...HISTORY.open, assigned('alice', 'bob', T1)]).when(assign('alice')).then([assigned('bob', 'alice', NOW)]);
      expect(stateAfter([...HISTORY.open, assigned('alice', 'bob', T1)]).owner).toBe('bob');
    });
  });

  describe('RescheduleActionItem', () => {
    it('records a pull-in as a negative slip, with the reason trimmed', () => {
      spec
        .given(HISTORY.open)
        .when(reschedule('2024-03-10T16:59:30Z', ' Customer escalation '))
        .then([rescheduled(DUE, '2024-03-10T16:59:30.000Z', -30, NOW, 'Customer escalation')]);
    });

    it('allows a due date in the past', () => {
      spec.given(HISTORY.open).when(reschedule(T0)).then([rescheduled(DUE, T0, Date.parse(T0) / 1000 - Date.parse(DUE) / 1000, NOW)]);
    });

    it('measures the slip from the current due date', () => {
      spec
        .given([...HISTORY.open, rescheduled(DUE, LATER_DUE, 172_800, T1)])
        .when(reschedule('2024-03-12T18:00:00Z'))
        .then([rescheduled(LATER_DUE, '2024-03-12T18:00:00.000Z', 3600, NOW)]);
      expect(stateAfter([...HISTORY.open, rescheduled(DUE, LATER_DUE, 172_800, T1)]).dueAt).toBe(LATER_DUE);
    });

    it.each([[''], ['   ']])('requires a reason, not %p', (reason) => {
      expectValidationError(HISTORY.open, reschedule(LATER_DUE, reason), 'REASON_REQUIRED', ['reason']);
    });

    it('rejects an invalid dueAt', () => {
      expectValidationError(HISTORY.in_progress, reschedule('next week'), 'DUE_AT_INVALID', ['dueAt']);
    });

    it('reports an invalid dueAt and a missing reason together', () => {
      expectValidationError(HISTORY.open, reschedule('next week', ''), 'FIELDS_INVALID', ['dueAt', 'reason']);
    });

    it('refuses the same instant, however it is written', () => {
      expectTransitionError(HISTORY.open, reschedule('2024-03-10T18:00:00.000+01:00'), {
        reason: 'DUE_DATE_UNCHANGED',
        currentState: `dueAt=${DUE}`,
        allowed: [],
        message: `Cannot reschedule action item: it is already due at ${DUE}; allowed: any other due date`,
      });
    });
  });

  describe('CompleteActionItem', () => {
    it.each([
      ['before the due date', NOW, true],
      ['exactly at the due date', DUE, true],
      ['after the due date', AFTER_DUE, false],
    ])('completed %s is onTime=%s', (_label, now, onTime) => {
      spec.given(HISTORY.in_progress).when(complete(undefined, metadataAt(now))).then([completed(now, onTime)]);
    });

    it('judges against the current due date and records it', () => {
      spec
        .given([...HISTORY.open, rescheduled(DUE, LATER_DUE, 172_800, T1)])
        .when(complete(undefined, metadataAt(AFTER_DUE)))
        .then([completed(AFTER_DUE, true, LATER_DUE)]);
    });

    it('keeps a trimmed note; a blank one is null', () => {
      spec.given(HISTORY.open).when(complete(' Shipped in v2.3 ')).then([completed(NOW, true, DUE, 'Shipped in v2.3')]);
      spec.given(HISTORY.open).when(complete(' ')).then([completed(NOW)]);
    });
  });

  describe('ReopenActionItem and CancelActionItem', () => {
    it.each([[''], ['  ']])('reopen requires a reason, not %p', (reason) => {
      expectValidationError(HISTORY.done, reopen(reason), 'REASON_REQUIRED', ['reason']);
    });

    it.each([[''], ['\t']])('cancel requires a reason, not %p', (reason) => {
      expectValidationError(HISTORY.in_progress, cancel(reason), 'REASON_REQUIRED', ['reason']);
    });

    it('trims the reasons', () => {
      spec.given(HISTORY.cancelled).when(reopen(' Needed after all ')).then([reopened(NOW, 'Needed after all')]);
      spec.given(HISTORY.open).when(cancel(' Duplicate of ai-3 ')).then([cancelled(NOW, 'Duplicate of ai-3')]);
    });
  });

  describe('MarkActionItemOverdue', () => {
    it.each(['open', 'in_progress'] as const)('flags a %s item whose due date has passed', (status) => {
      spec.given(HISTORY[status]).when(markOverdue(DUE, AFTER_DUE)).then([becameOverdue(DUE, AFTER_DUE)]);
    });

    it('flags an item exactly at its due date', () => {
      spec.given(HISTORY.open).when(markOverdue(DUE, DUE)).then([becameOverdue(DUE, DUE)]);
    });

    it('flags an item created with a past due date', () => {
      spec.given([createdEvent({ dueAt: T0, occurredAt: T1 })]).when(markOverdue(T0, T2)).then([becameOverdue(T0, T2)]);
    });

    it('matches the due date by instant, not by spelling', () => {
      spec.given(HISTORY.open).when(markOverdue('2024-03-10T18:00:00+01:00', AFTER_DUE)).then([becameOverdue(DUE, AFTER_DUE)]);
    });

    it('does nothing before the due date', () => {
      spec.given(HISTORY.open).when(markOverdue(DUE, '2024-03-10T16:59:59.999Z')).thenNothingHappened();
    });

    it.each(['done', 'cancelled'] as const)('does nothing for a %s item (completion disarms)', (status) => {
      spec.given(HISTORY[status]).when(markOverdue(DUE, AFTER_DUE)).thenNothingHappened();
    });

    it('does nothing for a due date that is no longer current', () => {
      spec.given([...HISTORY.open, rescheduled(DUE, LATER_DUE, 172_800, T1)]).when(markOverdue(DUE, AFTER_DUE)).thenNothingHappened();
    });

    it('flags a due date exactly once', () => {
      const history = [...HISTORY.open, becameOverdue(DUE, AFTER_DUE)];
      expect(stateAfter(history).overdueFor).toBe(DUE);
      spec.given(history).when(markOverdue(DUE, AFTER_LATER_DUE)).thenNothingHappened();
    });

    it('is re-armed by a reschedule', () => {
      spec
        .given([...HISTORY.in_progress, becameOverdue(DUE, AFTER_DUE), rescheduled(DUE, LATER_DUE, 172_800, AFTER_DUE)])
        .when(markOverdue(LATER_DUE, AFTER_LATER_DUE))
        .then([becameOverdue(LATER_DUE, AFTER_LATER_DUE)]);
    });

    it('does not flag a due date again after rescheduling back to it', () => {
      spec
        .given([
          ...HISTORY.open,
          becameOverdue(DUE, AFTER_DUE),
          rescheduled(DUE, LATER_DUE, 172_800, AFTER_DUE),
          rescheduled(LATER_DUE, DUE, -172_800, AFTER_DUE),
        ])
        .when(markOverdue(DUE, AFTER_LATER_DUE))
        .thenNothingHappened();
    });

    it('does not flag the same due date again after a reopen', () => {
      spec
        .given([...HISTORY.open, becameOverdue(DUE, AFTER_DUE), completed(AFTER_DUE, false), reopened(AFTER_DUE)])
        .when(markOverdue(DUE, AFTER_LATER_DUE))
        .thenNothingHappened();
    });

    it('flags a reopened item whose due date passed while it was done and had not been flagged', () => {
      spec
        .given([...HISTORY.done, reopened(AFTER_DUE)])
        .when(markOverdue(DUE, AFTER_LATER_DUE))
        .then([becameOverdue(DUE, AFTER_LATER_DUE)]);
    });

    it('rejects a dueAt that is not a timestamp', () => {
      expectValidationError(HISTORY.open, markOverdue('yesterday', AFTER_DUE), 'DUE_AT_INVALID', ['dueAt']);
    });

    it('treats a broken clock as a programming error, not a validation error', () => {
      expect(() => decideActionItem(markOverdue(DUE, 'not a time'), stateAfter(HISTORY.open))).toThrow(/metadata\.now is not a timestamp/);
      expect(() => decideActionItem(markOverdue(DUE, 'not a time'), stateAfter(HISTORY.open))).not.toThrow(DomainValidationError);
    });
  });

  describe('evolve', () => {
    it('starts from no item', () => {
      expect(initialActionItemState()).toBeNull();
    });

    it('builds the item from ActionItemCreated', () => {
      expect(stateAfter([createdEvent({ description: 'd', team: 'payments' })])).toEqual({
        id: ID,
        incidentId: INCIDENT,
        title: 'Add a circuit breaker to the payment client',
        owner: 'alice',
        dueAt: DUE,
        priority: 'P2',
        kind: 'corrective',
        description: 'd',
        team: 'payments',
        status: 'open',
        createdAt: T0,
        completedAt: null,
        cancelledAt: null,
        overdueFor: null,
      });
    });

    it('refuses a stream that does not start with ActionItemCreated', () => {
      expect(() => evolveActionItem(null, started(T1))).toThrow('Cannot apply ActionItemStarted to an action item that was never created');
    });
  });
});

describe('actionItemHistory', () => {
  it('is empty for no events', () => {
    expect(actionItemHistory([])).toEqual({ owners: [], dueDates: [], statuses: [] });
  });

  it('lists every assignment, due-date change and status change in order', () => {
    const events: readonly ActionItemEvent[] = [
      createdEvent(),
      assigned('alice', 'bob', T1, 'Alice on leave'),
      rescheduled(DUE, LATER_DUE, 172_800, T1),
      started(T2),
      becameOverdue(LATER_DUE, AFTER_LATER_DUE),
      assigned('bob', 'team:sre', AFTER_LATER_DUE),
      completed('2024-03-14T09:00:00.000Z', false, LATER_DUE),
      reopened('2024-03-15T09:00:00.000Z'),
      rescheduled(LATER_DUE, DUE, -172_800, '2024-03-15T09:00:00.000Z', 'Scope cut'),
      cancelled('2024-03-16T09:00:00.000Z'),
    ];
    expect(actionItemHistory(events)).toEqual({
      owners: [
        { owner: 'alice', from: T0, to: T1, reason: null },
        { owner: 'bob', from: T1, to: AFTER_LATER_DUE, reason: 'Alice on leave' },
        { owner: 'team:sre', from: AFTER_LATER_DUE, reason: null },
      ],
      dueDates: [
        { dueAt: DUE, setAt: T0, slipSeconds: 0, reason: null },
        { dueAt: LATER_DUE, setAt: T1, slipSeconds: 172_800, reason: 'Vendor delay' },
        { dueAt: DUE, setAt: '2024-03-15T09:00:00.000Z', slipSeconds: -172_800, reason: 'Scope cut' },
      ],
      statuses: [
        { status: 'open', at: T0 },
        { status: 'in_progress', at: T2 },
        { status: 'done', at: '2024-03-14T09:00:00.000Z' },
        { status: 'open', at: '2024-03-15T09:00:00.000Z' },
        { status: 'cancelled', at: '2024-03-16T09:00:00.000Z' },
      ],
    });
  });

  it('leaves the current owner open-ended and names no actor', () => {
    const [owner] = actionItemHistory([createdEvent()]).owners;
    expect(owner).toEqual({ owner: 'alice', from: T0, reason: null });
    expect(owner).not.toHaveProperty('to');
    expect(owner).not.toHaveProperty('by');
  });

  it('agrees with the decider: the last owner and due date are the current ones', () => {
    const events = [createdEvent(), assigned('alice', 'bob', T1), rescheduled(DUE, LATER_DUE, 172_800, T2)];
    const history = actionItemHistory(events);
    const state = stateAfter(events);
    expect(history.owners.at(-1)?.owner).toBe(state.owner);
    expect(history.dueDates.at(-1)?.dueAt).toBe(state.dueAt);
  });
});
