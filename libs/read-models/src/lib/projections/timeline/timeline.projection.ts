import { ACTION_ITEM_EVENT_TYPES, assertNever, INCIDENT_EVENT_TYPES, RCA_EVENT_TYPES, severityRank, type ActionItemEvent, type IncidentEvent, type RcaEvent } from '@causeway/domain';
import { EventTypes, type JsonObject, type StoredEvent } from '@causeway/event-store';
import { ACTION_ITEM_EVENTS, RCA_EVENTS } from '../event-types';
import { incidentIdOf, isIncidentEvent } from '../incident-summary/incident-summary.projection';
import { toUtcIso } from '../iso-time';

export interface TimelineEntry {
  /** Global log position: unique, and the SSE event id. */
  readonly position: number;
  readonly incidentId: string;
  /** Business time (may be back-dated); the timeline is ordered by it. */
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly type: string;
  readonly actor: string;
  /** One human-readable line. */
  readonly summary: string;
  readonly data: JsonObject;
}

/**
 * Free text (notes, reasons) can span pages; a summary is one line, and the full text stays in `data`.
 */
export const SUMMARY_TEXT_MAX = 200;

/** The events on incident timelines: the incident's own, its RCA's and its action items'. */
export type TimelineEvent = IncidentEvent | RcaEvent | ActionItemEvent;

export const TIMELINE_EVENTS = new EventTypes<TimelineEvent>([...INCIDENT_EVENT_TYPES, ...RCA_EVENT_TYPES, ...ACTION_ITEM_EVENT_TYPES]);

/** The incident an event's data names; the log is JSON, so it is only trusted once seen to be text. */
function incidentIdIn(data: { readonly incidentId: string }): string | null {
  const id: unknown = data.incidentId;
  return typeof id === 'string' ? id : null;
}

/** The incident an RCA event (stream `rca-<incidentId>`) belongs to, or null for other events. */
export function rcaIncidentIdOf(event: StoredEvent): string | null {
  return RCA_EVENTS.has(event) ? incidentIdIn(event.data) : null;
}

/** The incident an action-item event (stream `action-item-<id>`) belongs to, or null for other events. */
export function actionItemIncidentIdOf(event: StoredEvent): string | null {
  return ACTION_ITEM_EVENTS.has(event) ? incidentIdIn(event.data) : null;
}

/** The incident whose timeline shows this event (its own events, its RCA's and its action items'), or null. */
export function timelineIncidentIdOf(event: StoredEvent): string | null {
  return incidentIdOf(event) ?? rcaIncidentIdOf(event) ?? actionItemIncidentIdOf(event);
}

/** Pure: the timeline entry for an incident or RCA event, null for events that are not on a timeline. */
export function toTimelineEntry(event: StoredEvent): TimelineEntry | null {
  const incidentId = incidentIdOf(event);
  if (incidentId !== null && isIncidentEvent(event)) {
    // The event's own business time: a back-dated note carries it in data, whatever the envelope says.
    return entry(event, incidentId, event.data.occurredAt ?? event.occurredAt, summarize(event, event.actor));
  }
  const rcaIncidentId = rcaIncidentIdOf(event);
  if (rcaIncidentId !== null && RCA_EVENTS.has(event)) {
    return entry(event, rcaIncidentId, event.data.occurredAt ?? event.occurredAt, summarizeRca(event, event.actor));
  }
  const actionItemIncidentId = actionItemIncidentIdOf(event);
  if (actionItemIncidentId !== null && ACTION_ITEM_EVENTS.has(event)) {
    return entry(event, actionItemIncidentId, event.data.occurredAt ?? event.occurredAt, summarizeActionItem(event, event.actor));
  }
  return null;
}

function entry(event: StoredEvent, incidentId: string, occurredAt: string, summary: string): TimelineEntry {
  return {
    position: event.position,
    incidentId,
    occurredAt: toUtcIso(occurredAt),
    recordedAt: toUtcIso(event.recordedAt),
    type: event.type,
    actor: event.actor,
    summary,
    data: event.data,
  };
}

/** One line per RCA change, shown on the incident's timeline. */
export function summarizeRca(event: RcaEvent, actor: string): string {
  switch (event.type) {
    case 'RcaDrafted':
      return `RCA drafted by ${actor} (category: ${event.data.category})`;
    case 'RcaUpdated':
      return `RCA updated by ${actor}${event.data.changedFields.length > 0 ? `: ${event.data.changedFields.join(', ')}` : ''}`;
    case 'RcaSubmitted':
      return `RCA submitted for review by ${actor}`;
    case 'RcaChangesRequested':
      return `Changes requested by ${actor}${withText(event.data.comment)}`;
    case 'RcaApproved':
      return `RCA approved by ${actor}`;
    case 'RcaPublished':
      return `RCA published by ${actor}`;
    default:
      return assertNever(event);
  }
}

/** One line per action-item change, shown on its incident's timeline. */
export function summarizeActionItem(event: ActionItemEvent, actor: string): string {
  switch (event.type) {
    case 'ActionItemCreated': {
      const { title, owner, dueAt, priority, kind } = event.data;
      return `Action item created by ${actor}: ${oneLine(title)} (owner ${owner}, due ${isoDate(dueAt)}, ${priority} ${kind})`;
    }
    case 'ActionItemAssigned':
      return `Action item reassigned ${event.data.from} → ${event.data.to} by ${actor}${withText(event.data.reason)}`;
    case 'ActionItemRescheduled':
      return `Action item rescheduled ${formatSlip(event.data.slipSeconds)} by ${actor}${withText(event.data.reason)}`;
    case 'ActionItemStarted':
      return `Action item started by ${actor}`;
    case 'ActionItemCompleted':
      return `Action item completed by ${actor}${withText(event.data.note)}`;
    case 'ActionItemReopened':
      return `Action item reopened by ${actor}${withText(event.data.reason)}`;
    case 'ActionItemCancelled':
      return `Action item cancelled by ${actor}${withText(event.data.reason)}`;
    case 'ActionItemBecameOverdue':
      return `Action item overdue (due ${isoDate(event.data.dueAt)})`;
    default:
      return assertNever(event);
  }
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A due-date change as the largest whole unit that divides it: `+3d`, `-2h`, `+90m`, `+30s`. */
export function formatSlip(slipSeconds: number): string {
  const sign = slipSeconds < 0 ? '-' : '+';
  const abs = Math.abs(slipSeconds);
  for (const [unit, size] of [['d', DAY], ['h', HOUR], ['m', MINUTE]] as const) {
    if (abs >= size && abs % size === 0) return `${sign}${abs / size}${unit}`;
  }
  if (abs >= DAY) return `${sign}${(abs / DAY).toFixed(1)}d`;
  if (abs >= HOUR) return `${sign}${(abs / HOUR).toFixed(1)}h`;
  return `${sign}${abs}s`;
}

/** The calendar day (UTC) of an ISO timestamp; the raw text if it does not parse. */
function isoDate(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString().slice(0, 10);
}

export function summarize(event: IncidentEvent, actor: string): string {
  switch (event.type) {
    case 'IncidentDeclared': {
      const { severity, service, title } = event.data;
      return `Incident declared (${severity}) on ${service} by ${actor}: ${oneLine(title)}`;
    }
    case 'IncidentAcknowledged':
      return `Acknowledged by ${actor}${withText(event.data.note)}`;
    case 'IncidentEscalated': {
      const { toLevel, toTeam, severity, previousSeverity, auto, target, reason } = event.data;
      const details = [
        toTeam !== null ? `team ${toTeam}` : target?.team !== undefined ? `team ${target.team}` : null,
        target?.person !== undefined ? `person ${target.person}` : null,
        severity !== null && previousSeverity !== null ? `${previousSeverity} → ${severity}` : null,
      ].filter((detail): detail is string => detail !== null);
      const scope = details.length > 0 ? ` (${details.join(', ')})` : '';
      return `${auto ? 'Escalated automatically' : 'Escalated'} to level ${toLevel}${scope} by ${actor}${withText(reason)}`;
    }
    case 'IncidentSeverityChanged': {
      const { from, to, reason } = event.data;
      const direction = severityRank(to) < severityRank(from) ? 'raised' : 'lowered';
      return `Severity ${direction} ${from} → ${to} by ${actor}${withText(reason)}`;
    }
    case 'IncidentStatusChanged':
      return `Status ${event.data.from} → ${event.data.to} by ${actor}${withText(event.data.note)}`;
    case 'IncidentNoteAdded':
      return `Note by ${actor}: ${oneLine(event.data.text)}`;
    case 'IncidentRoleAssigned': {
      const { role, assignee, previousAssignee } = event.data;
      const replacing = previousAssignee !== null ? ` (replacing ${previousAssignee})` : '';
      return `Role ${role} assigned to ${assignee}${replacing} by ${actor}`;
    }
    case 'IncidentResolved':
      return `Resolved by ${actor}${withText(event.data.resolution)}`;
    case 'IncidentReopened':
      return `Reopened by ${actor}${withText(event.data.reason)}`;
    case 'IncidentClosed':
      return `Closed by ${actor}`;
    default:
      return assertNever(event);
  }
}

function withText(text: string | null | undefined): string {
  if (text === null || text === undefined) return '';
  const line = oneLine(text);
  return line === '' ? '' : `: ${line}`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= SUMMARY_TEXT_MAX ? flat : `${flat.slice(0, SUMMARY_TEXT_MAX - 1).trimEnd()}…`;
}
