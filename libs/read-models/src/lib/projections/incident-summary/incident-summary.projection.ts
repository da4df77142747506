import { evolveIncident, INCIDENT_EVENT_TYPES, type Incident, type IncidentEvent, type IncidentEventType } from '@causeway/domain';
import type { StoredEvent } from '@causeway/event-store';
import { INCIDENT_EVENTS } from '../event-types';
import { toUtcIso, toUtcIsoOrNull } from '../iso-time';
import type { ProjectedEvent } from '../projection';

/** The incident resource of docs/api.md (section 7.2), plus where in the log it was last changed. */
export interface IncidentSummary extends Incident {
  /** Stream version of the last applied event: the resource's ETag. */
  readonly version: number;
  /** Global position of the last applied event. */
  readonly lastPosition: number;
}

export const INCIDENT_SUMMARY_EVENT_TYPES: readonly IncidentEventType[] = INCIDENT_EVENT_TYPES;

export function isIncidentEvent(event: StoredEvent): event is ProjectedEvent<IncidentEvent> {
  return INCIDENT_EVENTS.has(event);
}

/** The incident an event belongs to, or null for events of other aggregates. */
export function incidentIdOf(event: StoredEvent): string | null {
  if (!isIncidentEvent(event)) return null;
  // The log is JSON: an id is only trusted once it is seen to be text.
  const id: unknown = event.data.incidentId;
  return typeof id === 'string' ? id : null;
}

/**
 * Pure: the summary after `event`. Lifecycle rules live in the domain's `evolveIncident`; this only
 * adds what the read side needs (version, position, UTC times) and makes replays harmless: an event
 * whose stream version is not newer than the document's is already in it.
 */
export function evolveIncidentSummary(doc: IncidentSummary | null, event: StoredEvent): IncidentSummary | null {
  if (!isIncidentEvent(event)) return doc;
  if (doc !== null && event.version <= doc.version) return doc;
  if (doc === null && event.type !== 'IncidentDeclared') {
    // Only a corrupt stream starts without a declaration. The timeline still shows the event; failing
    // here would stop every read model behind one bad stream.
    return null;
  }
  const state = evolveIncident(doc, event);
  if (state === null) return null;
  return {
    id: state.id,
    title: state.title,
    severity: state.severity,
    status: state.status,
    service: state.service,
    team: state.team,
    vendorSite: state.vendorSite,
    summary: state.summary,
    commander: state.commander,
    roles: state.roles,
    labels: state.labels,
    escalationLevel: state.escalationLevel,
    declaredAt: toUtcIso(state.declaredAt),
    detectedAt: toUtcIso(state.detectedAt),
    acknowledgedAt: toUtcIsoOrNull(state.acknowledgedAt),
    mitigatedAt: toUtcIsoOrNull(state.mitigatedAt),
    resolvedAt: toUtcIsoOrNull(state.resolvedAt),
    closedAt: toUtcIsoOrNull(state.closedAt),
    version: event.version,
    lastPosition: event.position,
  };
}
