import { assertNever, type Decider } from '../shared/decider';
import { statusNotAllowed, type CommandWording } from '../shared/status-not-allowed';
import { clockMs, formatList, parseTimestamp, TIMESTAMP_FORMAT_MESSAGE } from '../shared/time';
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
import type { IncidentTransitionReason, IncidentValidationReason } from './incident.refusals';
import type { Incident, IncidentState } from './incident.state';
import { ACTIVE_STATUSES, SETTABLE_STATUSES, SEVERITIES, type IncidentStatus } from './incident.types';

/**
 * How far ahead of the caller's clock a client-supplied time may be. Reporters' laptops and alert
 * sources drift by seconds or minutes; more than this is a typo or a wrong time zone, and a
 * future time would put the entry at the wrong end of the timeline and skew MTTA/MTTR.
 */
export const CLOCK_SKEW_ALLOWANCE_MS = 5 * 60 * 1000;

/**
 * Declaring an incident pages the first-line responders, which counts as level 1, so the first
 * escalation (by hand or by policy) goes to level 2 and "level N" reads the same for people and
 * escalation policies.
 */
export const INITIAL_ESCALATION_LEVEL = 1;

type LifecycleCommandType = Exclude<IncidentCommand['type'], 'DeclareIncident'>;

/** Wording of each command in error messages: "Cannot <attempt>: …; <name> is allowed only from …". */
const WORDING: Readonly<Record<LifecycleCommandType, CommandWording>> = {
  AcknowledgeIncident: { attempt: 'acknowledge incident', name: 'acknowledge' },
  EscalateIncident: { attempt: 'escalate incident', name: 'escalate' },
  ChangeIncidentSeverity: { attempt: 'change incident severity', name: 'a severity change' },
  ChangeIncidentStatus: { attempt: 'change incident status', name: 'a status change' },
  AddIncidentNote: { attempt: 'add note to incident', name: 'adding a note' },
  AssignIncidentRole: { attempt: 'assign incident role', name: 'a role assignment' },
  ResolveIncident: { attempt: 'resolve incident', name: 'resolve' },
  ReopenIncident: { attempt: 'reopen incident', name: 'reopen' },
  CloseIncident: { attempt: 'close incident', name: 'close' },
};

export function initialIncidentState(): IncidentState {
  return null;
}

export function decideIncident(command: IncidentCommand, state: IncidentState): readonly IncidentEvent[] {
  if (command.type === 'DeclareIncident') {
    // The id is taken even once the incident is closed: a new incident needs a new id.
    if (state !== null) {
      throw new AlreadyExistsError(`Cannot declare incident: incident ${state.id} already exists (status ${state.status})`);
    }
    return [declare(command)];
  }
  if (state === null) {
    throw new NotFoundError(`Cannot ${WORDING[command.type].attempt}: it has not been declared`);
  }
  if (state.status === 'closed') {
    throw new InvalidTransitionError<IncidentTransitionReason>(
      'INCIDENT_CLOSED',
      `Cannot ${WORDING[command.type].attempt}: status is closed; closed is final and allows no further commands`,
      state.status,
      [],
    );
  }

  switch (command.type) {
    case 'AcknowledgeIncident':
      return [acknowledge(command, state)];
    case 'EscalateIncident':
      return [escalate(command, state)];
    case 'ChangeIncidentSeverity':
      return [changeSeverity(command, state)];
    case 'ChangeIncidentStatus':
      return [changeStatus(command, state)];
    case 'AddIncidentNote':
      return [addNote(command, state)];
    case 'AssignIncidentRole':
      return [assignRole(command, state)];
    case 'ResolveIncident':
      return [resolve(command, state)];
    case 'ReopenIncident':
      return [reopen(command, state)];
    case 'CloseIncident':
      return [close(command, state)];
    default:
      return assertNever(command);
  }
}

export function evolveIncident(state: IncidentState, event: IncidentEvent): IncidentState {
  if (event.type === 'IncidentDeclared') {
    const { data } = event;
    return {
      id: data.incidentId,
      title: data.title,
      severity: data.severity,
      status: 'declared',
      service: data.service,
      team: data.team,
      vendorSite: data.vendorSite,
      summary: data.summary,
      commander: data.commander,
      roles: data.commander === null ? {} : { commander: data.commander },
      labels: data.labels,
      escalationLevel: INITIAL_ESCALATION_LEVEL,
      declaredAt: data.occurredAt,
      detectedAt: data.detectedAt,
      acknowledgedAt: null,
      mitigatedAt: null,
      resolvedAt: null,
      closedAt: null,
    };
  }
  if (state === null) {
    // A stream must start with IncidentDeclared; anything else means the log is corrupt, and
    // silently skipping the event would hide that.
    throw new Error(`Cannot apply ${event.type} to an incident that was never declared`);
  }

  switch (event.type) {
    case 'IncidentAcknowledged':
      return { ...state, acknowledgedAt: event.data.occurredAt };
    case 'IncidentEscalated':
      return {
        ...state,
        escalationLevel: event.data.toLevel,
        severity: event.data.severity ?? state.severity,
      };
    case 'IncidentSeverityChanged':
      return { ...state, severity: event.data.to };
    case 'IncidentStatusChanged':
      return {
        ...state,
        status: event.data.to,
        mitigatedAt: event.data.to === 'monitoring' && state.mitigatedAt === null ? event.data.occurredAt : state.mitigatedAt,
      };
    case 'IncidentNoteAdded':
      return state;
    case 'IncidentRoleAssigned':
      return {
        ...state,
        roles: { ...state.roles, [event.data.role]: event.data.assignee },
        commander: event.data.role === 'commander' ? event.data.assignee : state.commander,
      };
    case 'IncidentResolved':
      return {
        ...state,
        status: 'resolved',
        resolvedAt: event.data.occurredAt,
        // Resolving without passing through monitoring still ends the impact, so MTTM stays defined.
        mitigatedAt: state.mitigatedAt ?? event.data.occurredAt,
      };
    case 'IncidentReopened':
      // The mitigation did not hold, so MTTM must be measured again from the next mitigation.
      return { ...state, status: 'investigating', resolvedAt: null, mitigatedAt: null };
    case 'IncidentClosed':
      return { ...state, status: 'closed', closedAt: event.data.occurredAt };
    default:
      return assertNever(event);
  }
}

export function foldIncident(events: readonly IncidentEvent[]): IncidentState {
  return events.reduce<IncidentState>(evolveIncident, initialIncidentState());
}

export const incidentDecider: Decider<IncidentCommand, IncidentEvent, IncidentState> = {
  decide: decideIncident,
  evolve: evolveIncident,
  initialState: initialIncidentState,
};

function declare(command: DeclareIncident): IncidentDeclared {
  const { data, metadata } = command;
  const detectedAt = pastTimestamp('detectedAt', data.detectedAt ?? metadata.now, metadata.now);
  return {
    type: 'IncidentDeclared',
    data: {
      incidentId: data.incidentId,
      title: data.title,
      severity: data.severity,
      service: data.service,
      team: data.team ?? null,
      vendorSite: data.vendorSite ?? null,
      summary: data.summary ?? null,
      commander: data.commander ?? null,
      detectedAt,
      labels: data.labels ?? {},
      occurredAt: metadata.now,
    },
  };
}

function acknowledge(command: AcknowledgeIncident, state: Incident): IncidentAcknowledged {
  // Status is checked before the acknowledgement so a resolved incident always answers the same way.
  if (state.status === 'resolved') {
    throw notAllowedFrom('INCIDENT_RESOLVED', command.type, state, ACTIVE_STATUSES);
  }
  if (state.acknowledgedAt !== null) {
    throw new InvalidTransitionError<IncidentTransitionReason>(
      'ALREADY_ACKNOWLEDGED',
      `Cannot acknowledge incident: it was already acknowledged at ${state.acknowledgedAt}; acknowledge is allowed only once`,
      'acknowledged',
      ['unacknowledged'],
    );
  }
  return {
    type: 'IncidentAcknowledged',
    data: { incidentId: state.id, note: command.data.note ?? null, occurredAt: command.metadata.now },
  };
}

function escalate(command: EscalateIncident, state: Incident): IncidentEscalated {
  if (state.status === 'resolved') {
    throw notAllowedFrom('INCIDENT_RESOLVED', command.type, state, ACTIVE_STATUSES);
  }
  const { data } = command;
  const toLevel = data.toLevel ?? state.escalationLevel + 1;
  if (!Number.isInteger(toLevel)) {
    throw new DomainValidationError<IncidentValidationReason>('ESCALATION_LEVEL_INVALID', `toLevel must be a whole number, got ${toLevel}`, [
      { field: 'toLevel', message: 'must be a whole number' },
    ]);
  }
  if (toLevel <= state.escalationLevel) {
    const message = `must be higher than the current escalation level ${state.escalationLevel}`;
    throw new DomainValidationError<IncidentValidationReason>('ESCALATION_LEVEL_NOT_HIGHER', `toLevel ${toLevel} ${message}`, [{ field: 'toLevel', message }]);
  }
  const severityChanges = data.severity !== undefined && data.severity !== state.severity;
  return {
    type: 'IncidentEscalated',
    data: {
      incidentId: state.id,
      reason: data.reason,
      fromLevel: state.escalationLevel,
      toLevel,
      toTeam: data.toTeam ?? null,
      severity: severityChanges ? (data.severity ?? null) : null,
      previousSeverity: severityChanges ? state.severity : null,
      auto: data.auto !== undefined,
      policyId: data.auto?.policyId ?? null,
      policyVersion: data.auto?.policyVersion ?? null,
      target: data.auto?.target ?? null,
      occurredAt: command.metadata.now,
    },
  };
}

function changeSeverity(command: ChangeIncidentSeverity, state: Incident): IncidentSeverityChanged {
  const { severity, reason } = command.data;
  if (severity === state.severity) {
    throw new InvalidTransitionError<IncidentTransitionReason>(
      'SEVERITY_UNCHANGED',
      `Cannot change incident severity: severity is already ${state.severity}; allowed: ${formatList(
        SEVERITIES.filter((s) => s !== state.severity),
      )}`,
      state.severity,
      SEVERITIES.filter((s) => s !== state.severity),
    );
  }
  return {
    type: 'IncidentSeverityChanged',
    data: { incidentId: state.id, from: state.severity, to: severity, reason, occurredAt: command.metadata.now },
  };
}

function changeStatus(command: ChangeIncidentStatus, state: Incident): IncidentStatusChanged {
  if (state.status === 'resolved') {
    throw notAllowedFrom('INCIDENT_RESOLVED', command.type, state, ACTIVE_STATUSES, 'use reopen to resume work on a resolved incident');
  }
  const { status, note } = command.data;
  if (status === state.status) {
    const allowed = SETTABLE_STATUSES.filter((s) => s !== state.status);
    throw new InvalidTransitionError<IncidentTransitionReason>(
      'STATUS_UNCHANGED',
      `Cannot change incident status: status is already ${state.status}; allowed targets are ${formatList(allowed)}`,
      state.status,
      allowed,
    );
  }
  return {
    type: 'IncidentStatusChanged',
    data: { incidentId: state.id, from: state.status, to: status, note: note ?? null, occurredAt: command.metadata.now },
  };
}

function addNote(command: AddIncidentNote, state: Incident): IncidentNoteAdded {
  const { text, occurredAt } = command.data;
  // Back-dated notes may even precede the declaration: responders often log what happened before anyone declared.
  const at = pastTimestamp('occurredAt', occurredAt ?? command.metadata.now, command.metadata.now);
  return { type: 'IncidentNoteAdded', data: { incidentId: state.id, text, occurredAt: at } };
}

function assignRole(command: AssignIncidentRole, state: Incident): IncidentRoleAssigned {
  const { role, assignee } = command.data;
  const previousAssignee = state.roles[role] ?? null;
  if (previousAssignee === assignee) {
    throw new InvalidTransitionError<IncidentTransitionReason>(
      'ROLE_UNCHANGED',
      `Cannot assign incident role: ${role} is already ${assignee}; allowed: any other assignee`,
      `${role}=${assignee}`,
      [],
    );
  }
  return {
    type: 'IncidentRoleAssigned',
    data: { incidentId: state.id, role, assignee, previousAssignee, occurredAt: command.metadata.now },
  };
}

function resolve(command: ResolveIncident, state: Incident): IncidentResolved {
  if (state.status === 'resolved') {
    throw notAllowedFrom('ALREADY_RESOLVED', command.type, state, ACTIVE_STATUSES);
  }
  return {
    type: 'IncidentResolved',
    data: { incidentId: state.id, resolution: command.data.resolution, from: state.status, occurredAt: command.metadata.now },
  };
}

function reopen(command: ReopenIncident, state: Incident): IncidentReopened {
  if (state.status !== 'resolved') {
    throw notAllowedFrom('NOT_RESOLVED', command.type, state, ['resolved']);
  }
  return {
    type: 'IncidentReopened',
    data: { incidentId: state.id, reason: command.data.reason, occurredAt: command.metadata.now },
  };
}

function close(command: CloseIncident, state: Incident): IncidentClosed {
  if (state.status !== 'resolved') {
    throw notAllowedFrom('NOT_RESOLVED', command.type, state, ['resolved']);
  }
  return { type: 'IncidentClosed', data: { incidentId: state.id, occurredAt: command.metadata.now } };
}

function notAllowedFrom(
  reason: IncidentTransitionReason,
  commandType: LifecycleCommandType,
  state: Incident,
  allowed: readonly IncidentStatus[],
  hint?: string,
): InvalidTransitionError<IncidentTransitionReason> {
  return statusNotAllowed(reason, WORDING[commandType], state.status, allowed, hint);
}

/** Validates a client-given time and normalises it to UTC with milliseconds, as every other time in the log. */
function pastTimestamp(field: 'occurredAt' | 'detectedAt', value: string, now: string): string {
  const at = parseTimestamp(value);
  if (at === null) {
    throw new DomainValidationError<IncidentValidationReason>('TIMESTAMP_INVALID', `${field} ${TIMESTAMP_FORMAT_MESSAGE}`, [{ field, message: TIMESTAMP_FORMAT_MESSAGE }]);
  }
  if (Date.parse(at) > clockMs(now) + CLOCK_SKEW_ALLOWANCE_MS) {
    const message = `must not be in the future (now is ${now}; up to ${CLOCK_SKEW_ALLOWANCE_MS / 60_000} minutes of clock skew are tolerated)`;
    throw new DomainValidationError<IncidentValidationReason>('TIMESTAMP_IN_FUTURE', `${field} ${value} ${message}`, [{ field, message }]);
  }
  return at;
}
