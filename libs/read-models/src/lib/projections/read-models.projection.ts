import type { StoredEvent } from '@causeway/event-store';
import { apiKeyIdOf, evolveApiKey, type ApiKeyRow } from './api-keys.projection';
import { evolveIncidentSummary, incidentIdOf, type IncidentSummary } from './incident-summary.projection';
import { timelineIncidentIdOf, toTimelineEntry, type TimelineEntry } from './timeline.projection';

/** What a batch of events changes in the read models. */
export interface ReadModelChanges {
  /** Incident documents that changed, each once, in its state after the batch. */
  readonly incidents: readonly IncidentSummary[];
  readonly entries: readonly TimelineEntry[];
  readonly apiKeys: readonly ApiKeyRow[];
}

/**
 * The documents a batch touches: the ids to load before projecting it. RCA and action-item events only
 * add timeline entries (the incident summary does not change), so they load nothing.
 */
export function affectedIds(events: readonly StoredEvent[]): { incidentIds: string[]; apiKeyIds: string[] } {
  const incidentIds = new Set<string>();
  const apiKeyIds = new Set<string>();
  for (const event of events) {
    const incidentId = incidentIdOf(event);
    if (incidentId !== null) incidentIds.add(incidentId);
    const keyId = apiKeyIdOf(event);
    if (keyId !== null) apiKeyIds.add(keyId);
  }
  return { incidentIds: [...incidentIds], apiKeyIds: [...apiKeyIds] };
}

/**
 * Pure: applies every projection to a batch, in log order, starting from the documents as stored
 * (missing ids are new). Many events of one incident in a batch become one write of its final state.
 */
export function projectBatch(
  events: readonly StoredEvent[],
  incidents: ReadonlyMap<string, IncidentSummary>,
  apiKeys: ReadonlyMap<string, ApiKeyRow>,
): ReadModelChanges {
  const nextIncidents = new Map<string, IncidentSummary | null>();
  const nextKeys = new Map<string, ApiKeyRow | null>();
  const entries: TimelineEntry[] = [];
  for (const event of events) {
    const incidentId = incidentIdOf(event);
    if (incidentId !== null) {
      const before = nextIncidents.has(incidentId) ? (nextIncidents.get(incidentId) ?? null) : (incidents.get(incidentId) ?? null);
      nextIncidents.set(incidentId, evolveIncidentSummary(before, event));
      const entry = toTimelineEntry(event);
      if (entry !== null) entries.push(entry);
      continue;
    }
    if (timelineIncidentIdOf(event) !== null) {
      // RCAs and action items live in their own streams: they are on their incident's timeline, not
      // in its summary (open/overdue action-item counts come with the action-item projections).
      const entry = toTimelineEntry(event);
      if (entry !== null) entries.push(entry);
      continue;
    }
    const keyId = apiKeyIdOf(event);
    if (keyId !== null) {
      const before = nextKeys.has(keyId) ? (nextKeys.get(keyId) ?? null) : (apiKeys.get(keyId) ?? null);
      nextKeys.set(keyId, evolveApiKey(before, event));
    }
  }
  return {
    incidents: changed(nextIncidents, incidents),
    entries,
    apiKeys: changed(nextKeys, apiKeys),
  };
}

function changed<T>(next: ReadonlyMap<string, T | null>, before: ReadonlyMap<string, T>): T[] {
  const out: T[] = [];
  for (const [id, doc] of next) {
    if (doc !== null && doc !== before.get(id)) out.push(doc);
  }
  return out;
}
