import { assertNever, type Decider } from '../shared/decider';
import { statusNotAllowed, type CommandWording } from '../shared/status-not-allowed';
import { clockMs, formatList, parseTimestamp, TIMESTAMP_FORMAT_MESSAGE } from '../shared/time';
import { AlreadyExistsError, InvalidTransitionError, NotFoundError } from '../shared/domain-error';
import { throwIfInvalid, type FieldProblem } from '../shared/field-problem';
import { INCIDENT_STATUSES } from '../incident/incident.types';
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
import type { ActionItemTransitionReason, ActionItemValidationReason } from './action-item.refusals';
import type { ActionItem, ActionItemState } from './action-item.state';
import {
  ACTION_ITEM_TITLE_MAX_LENGTH,
  ACTIVE_ACTION_ITEM_STATUSES,
  FINISHED_ACTION_ITEM_STATUSES,
  isValidOwner,
  type ActionItemStatus,
} from './action-item.types';

type LifecycleCommandType = Exclude<ActionItemCommand['type'], 'CreateActionItem' | 'MarkActionItemOverdue'>;

/** Wording of each command in error messages: "Cannot <attempt>: …; <name> is allowed only from …". */
const WORDING: Readonly<Record<LifecycleCommandType | 'MarkActionItemOverdue', CommandWording>> = {
  AssignActionItem: { attempt: 'assign action item', name: 'assign' },
  RescheduleActionItem: { attempt: 'reschedule action item', name: 'reschedule' },
  StartActionItem: { attempt: 'start action item', name: 'start' },
  CompleteActionItem: { attempt: 'complete action item', name: 'complete' },
  ReopenActionItem: { attempt: 'reopen action item', name: 'reopen' },
  CancelActionItem: { attempt: 'cancel action item', name: 'cancel' },
  MarkActionItemOverdue: { attempt: 'mark action item overdue', name: 'marking overdue' },
};

/** Statuses each lifecycle command may start from. */
const ALLOWED_FROM: Readonly<Record<LifecycleCommandType, readonly ActionItemStatus[]>> = {
  AssignActionItem: ACTIVE_ACTION_ITEM_STATUSES,
  RescheduleActionItem: ACTIVE_ACTION_ITEM_STATUSES,
  StartActionItem: ['open'],
  CompleteActionItem: ACTIVE_ACTION_ITEM_STATUSES,
  ReopenActionItem: FINISHED_ACTION_ITEM_STATUSES,
  CancelActionItem: ACTIVE_ACTION_ITEM_STATUSES,
};

/** The refusal of a command that its status does not allow, by that status. */
const NOT_ALLOWED_IN: Readonly<Record<ActionItemStatus, ActionItemTransitionReason>> = {
  open: 'ACTION_ITEM_OPEN',
  in_progress: 'ACTION_ITEM_IN_PROGRESS',
  done: 'ACTION_ITEM_DONE',
  cancelled: 'ACTION_ITEM_CANCELLED',
};

/** Incident statuses an action item may be created in: follow-ups usually come after resolution. */
const INCIDENT_STATUSES_ACCEPTING_ACTION_ITEMS = INCIDENT_STATUSES.filter((s) => s !== 'closed');

export function initialActionItemState(): ActionItemState {
  return null;
}

export function decideActionItem(command: ActionItemCommand, state: ActionItemState): readonly ActionItemEvent[] {
  if (command.type === 'CreateActionItem') {
    if (state !== null) {
      throw new AlreadyExistsError(`Cannot create action item: action item ${state.id} already exists (status ${state.status})`);
    }
    return [create(command)];
  }
  if (state === null) {
    throw new NotFoundError(`Cannot ${WORDING[command.type].attempt}: it does not exist`);
  }

  switch (command.type) {
    case 'AssignActionItem':
      return [assign(command, state)];
    case 'RescheduleActionItem':
      return [reschedule(command, state)];
    case 'StartActionItem':
      return [start(command, state)];
    case 'CompleteActionItem':
      return [complete(command, state)];
    case 'ReopenActionItem':
      return [reopen(command, state)];
    case 'CancelActionItem':
      return [cancel(command, state)];
    case 'MarkActionItemOverdue':
      return markOverdue(command, state);
    default:
      return assertNever(command);
  }
}

export function evolveActionItem(state: ActionItemState, event: ActionItemEvent): ActionItemState {
  if (event.type === 'ActionItemCreated') {
    const { data } = event;
    return {
      id: data.actionItemId,
      incidentId: data.incidentId,
      title: data.title,
      owner: data.owner,
      dueAt: data.dueAt,
      priority: data.priority,
      kind: data.kind,
      description: data.description,
      team: data.team,
      status: 'open',
      createdAt: data.occurredAt,
      completedAt: null,
      cancelledAt: null,
      overdueFor: null,
    };
  }
  if (state === null) {
    // A stream must start with ActionItemCreated; anything else means the log is corrupt.
    throw new Error(`Cannot apply ${event.type} to an action item that was never created`);
  }

  switch (event.type) {
    case 'ActionItemAssigned':
      return { ...state, owner: event.data.to };
    case 'ActionItemRescheduled':
      return { ...state, dueAt: event.data.toDueAt };
    case 'ActionItemStarted':
      return { ...state, status: 'in_progress' };
    case 'ActionItemCompleted':
      return { ...state, status: 'done', completedAt: event.data.occurredAt };
    case 'ActionItemReopened':
      return { ...state, status: 'open', completedAt: null, cancelledAt: null };
    case 'ActionItemCancelled':
      return { ...state, status: 'cancelled', cancelledAt: event.data.occurredAt };
    case 'ActionItemBecameOverdue':
      return { ...state, overdueFor: event.data.dueAt };
    default:
      return assertNever(event);
  }
}

export function foldActionItem(events: readonly ActionItemEvent[]): ActionItemState {
  return events.reduce<ActionItemState>(evolveActionItem, initialActionItemState());
}

export const actionItemDecider: Decider<ActionItemCommand, ActionItemEvent, ActionItemState> = {
  decide: decideActionItem,
  evolve: evolveActionItem,
  initialState: initialActionItemState,
};

function create(command: CreateActionItem): ActionItemCreated {
  const { data, metadata } = command;
  if (data.incidentStatus === 'closed') {
    throw new InvalidTransitionError<ActionItemTransitionReason>(
      'INCIDENT_CLOSED',
      `Cannot create action item: incident ${data.incidentId} is closed; action items can be added only while the incident is ${formatList(
        INCIDENT_STATUSES_ACCEPTING_ACTION_ITEMS,
      )}`,
      'closed',
      INCIDENT_STATUSES_ACCEPTING_ACTION_ITEMS,
    );
  }
  const title = data.title.trim();
  const dueAt = parseTimestamp(data.dueAt);
  throwIfInvalid<ActionItemValidationReason>([
    title.length === 0 || title.length > ACTION_ITEM_TITLE_MAX_LENGTH
      ? { reason: 'TITLE_INVALID', field: 'title', message: `must be 1 to ${ACTION_ITEM_TITLE_MAX_LENGTH} characters` }
      : null,
    ownerProblem(data.owner),
    dueAt === null ? dueAtProblem() : null,
  ]);
  return {
    type: 'ActionItemCreated',
    data: {
      actionItemId: data.actionItemId,
      incidentId: data.incidentId,
      title,
      owner: data.owner,
      dueAt: dueAt ?? data.dueAt,
      priority: data.priority,
      kind: data.kind,
      description: optionalText(data.description),
      team: optionalText(data.team),
      occurredAt: metadata.now,
    },
  };
}

function assign(command: AssignActionItem, state: ActionItem): ActionItemAssigned {
  assertAllowed(command.type, state);
  const { owner, reason } = command.data;
  throwIfInvalid<ActionItemValidationReason>([ownerProblem(owner)]);
  if (owner === state.owner) {
    throw new InvalidTransitionError<ActionItemTransitionReason>(
      'OWNER_UNCHANGED',
      `Cannot assign action item: owner is already ${state.owner}; allowed: any other owner`,
      `owner=${state.owner}`,
      [],
    );
  }
  return {
    type: 'ActionItemAssigned',
    data: { ...ids(state), from: state.owner, to: owner, reason: optionalText(reason), occurredAt: command.metadata.now },
  };
}

function reschedule(command: RescheduleActionItem, state: ActionItem): ActionItemRescheduled {
  assertAllowed(command.type, state);
  const toDueAt = parseTimestamp(command.data.dueAt);
  const reason = command.data.reason.trim();
  throwIfInvalid<ActionItemValidationReason>([toDueAt === null ? dueAtProblem() : null, reasonProblem(reason)]);
  if (toDueAt === null) throw new Error('unreachable: an invalid dueAt was reported above');
  if (toDueAt === state.dueAt) {
    throw new InvalidTransitionError<ActionItemTransitionReason>(
      'DUE_DATE_UNCHANGED',
      `Cannot reschedule action item: it is already due at ${state.dueAt}; allowed: any other due date`,
      `dueAt=${state.dueAt}`,
      [],
    );
  }
  return {
    type: 'ActionItemRescheduled',
    data: {
      ...ids(state),
      fromDueAt: state.dueAt,
      toDueAt,
      slipSeconds: Math.round((Date.parse(toDueAt) - Date.parse(state.dueAt)) / 1000),
      reason,
      occurredAt: command.metadata.now,
    },
  };
}

function start(command: StartActionItem, state: ActionItem): ActionItemStarted {
  if (state.status === 'in_progress') {
    throw notAllowedFrom('ALREADY_STARTED', command.type, state);
  }
  assertAllowed(command.type, state);
  return { type: 'ActionItemStarted', data: { ...ids(state), occurredAt: command.metadata.now } };
}

function complete(command: CompleteActionItem, state: ActionItem): ActionItemCompleted {
  assertAllowed(command.type, state);
  const now = command.metadata.now;
  return {
    type: 'ActionItemCompleted',
    data: {
      ...ids(state),
      note: optionalText(command.data.note),
      dueAt: state.dueAt,
      onTime: clockMs(now) <= Date.parse(state.dueAt),
      occurredAt: now,
    },
  };
}

function reopen(command: ReopenActionItem, state: ActionItem): ActionItemReopened {
  if (!FINISHED_ACTION_ITEM_STATUSES.includes(state.status)) {
    throw notAllowedFrom('NOT_FINISHED', command.type, state);
  }
  const reason = command.data.reason.trim();
  throwIfInvalid<ActionItemValidationReason>([reasonProblem(reason)]);
  return { type: 'ActionItemReopened', data: { ...ids(state), reason, occurredAt: command.metadata.now } };
}

function cancel(command: CancelActionItem, state: ActionItem): ActionItemCancelled {
  assertAllowed(command.type, state);
  const reason = command.data.reason.trim();
  throwIfInvalid<ActionItemValidationReason>([reasonProblem(reason)]);
  return { type: 'ActionItemCancelled', data: { ...ids(state), reason, occurredAt: command.metadata.now } };
}

/**
 * The scheduler works from a projection that may lag the stream, so anything stale (finished
 * item, moved due date, already flagged, not yet due) is a quiet no-op rather than an error: the
 * scheduler must be able to retry blindly and still record one event per due date.
 */
function markOverdue(command: MarkActionItemOverdue, state: ActionItem): readonly ActionItemBecameOverdue[] {
  const dueAt = parseTimestamp(command.data.dueAt);
  throwIfInvalid<ActionItemValidationReason>([dueAt === null ? dueAtProblem() : null]);
  const now = command.metadata.now;
  const stale =
    !ACTIVE_ACTION_ITEM_STATUSES.includes(state.status) ||
    dueAt !== state.dueAt ||
    state.overdueFor === state.dueAt ||
    Date.parse(state.dueAt) > clockMs(now);
  if (stale) return [];
  return [{ type: 'ActionItemBecameOverdue', data: { ...ids(state), dueAt: state.dueAt, detectedAt: now, occurredAt: now } }];
}

function ids(state: ActionItem): { readonly actionItemId: string; readonly incidentId: string } {
  return { actionItemId: state.id, incidentId: state.incidentId };
}

function assertAllowed(commandType: LifecycleCommandType, state: ActionItem): void {
  if (ALLOWED_FROM[commandType].includes(state.status)) return;
  throw notAllowedFrom(NOT_ALLOWED_IN[state.status], commandType, state);
}

function notAllowedFrom(
  reason: ActionItemTransitionReason,
  commandType: LifecycleCommandType,
  state: ActionItem,
): InvalidTransitionError<ActionItemTransitionReason> {
  // A finished item accepts only reopen; saying so spares the caller a second failed attempt.
  const hint = FINISHED_ACTION_ITEM_STATUSES.includes(state.status) && commandType !== 'ReopenActionItem' ? 'reopen it first' : undefined;
  return statusNotAllowed(reason, WORDING[commandType], state.status, ALLOWED_FROM[commandType], hint);
}

function ownerProblem(owner: string): FieldProblem<ActionItemValidationReason> | null {
  if (isValidOwner(owner)) return null;
  return {
    reason: 'OWNER_INVALID',
    field: 'owner',
    message: 'must be an email address, team:<slug> or a lower-case handle such as j.doe',
  };
}

function reasonProblem(trimmedReason: string): FieldProblem<ActionItemValidationReason> | null {
  return trimmedReason.length === 0 ? { reason: 'REASON_REQUIRED', field: 'reason', message: 'must not be empty' } : null;
}

function dueAtProblem(): FieldProblem<ActionItemValidationReason> {
  return { reason: 'DUE_AT_INVALID', field: 'dueAt', message: TIMESTAMP_FORMAT_MESSAGE };
}

/** Blank optional text carries no information; storing `null` keeps read models from showing "". */
function optionalText(value: string | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed.length === 0 ? null : trimmed;
}

