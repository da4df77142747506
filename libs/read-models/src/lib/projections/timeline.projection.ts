import { assertNever, severityRank, type IncidentEvent } from '@causeway/domain';
import type { JsonObject, StoredEvent } from '@causeway/event-store';
import { asIncidentEvent, incidentIdOf } from './incident-summary.projection';
import { toUtcIso } from './iso-time';

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

/** Pure: the timeline entry for an incident event, null for events that are not on a timeline. */
export function toTimelineEntry(event: StoredEvent): TimelineEntry | null {
  const incidentId = incidentIdOf(event);
  if (incidentId === null) return null;
  const domainEvent = asIncidentEvent(event);
  return {
    position: event.position,
    incidentId,
    // The event's own business time: a back-dated note carries it in data, whatever the envelope says.
    occurredAt: toUtcIso(domainEvent.data.occurredAt ?? event.occurredAt),
    recordedAt: toUtcIso(event.recordedAt),
    type: event.type,
    actor: event.actor,
    summary: summarize(domainEvent, event.actor),
    data: event.data,
  };
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
