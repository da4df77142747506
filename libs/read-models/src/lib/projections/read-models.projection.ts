import type { StoredEvent } from '@causeway/event-store';
import { actionItemIdOf, evolveActionItemRow, versionChanges, type ActionItemRow, type ActionItemVersionRow } from './action-items.projection';
import { apiKeyIdOf, evolveApiKey, type ApiKeyRow } from './api-keys.projection';
import { evolveIncidentSummary, incidentIdOf, type IncidentSummary } from './incident-summary.projection';
import { timelineIncidentIdOf, toTimelineEntry, type TimelineEntry } from './timeline.projection';

/** What a batch of events changes in the read models. */
export interface ReadModelChanges {
  /** Incident documents that changed, each once, in its state after the batch. */
  readonly incidents: readonly IncidentSummary[];
  readonly entries: readonly TimelineEntry[];
  readonly apiKeys: readonly ApiKeyRow[];
  /** Action items that changed, each once, in its state after the batch. */
  readonly actionItems: readonly ActionItemRow[];
  /** Board-history rows to upsert (closed stretches get their `validTo`), each key once. */
  readonly actionItemVersions: readonly ActionItemVersionRow[];
}

/** The documents a batch reads before it is projected; missing ids are new. */
export interface ReadModelDocuments {
  readonly incidents: ReadonlyMap<string, IncidentSummary>;
  readonly apiKeys: ReadonlyMap<string, ApiKeyRow>;
  readonly actionItems: ReadonlyMap<string, ActionItemRow>;
}

/**
 * The documents a batch touches: the ids to load before projecting it. RCA events only add timeline
 * entries, so they load nothing.
 */
export function affectedIds(events: readonly StoredEvent[]): { incidentIds: string[]; apiKeyIds: string[]; actionItemIds: string[] } {
  const incidentIds = new Set<string>();
  const apiKeyIds = new Set<string>();
  const actionItemIds = new Set<string>();
  for (const event of events) {
    const incidentId = incidentIdOf(event);
    if (incidentId !== null) incidentIds.add(incidentId);
    const keyId = apiKeyIdOf(event);
    if (keyId !== null) apiKeyIds.add(keyId);
    const actionItemId = actionItemIdOf(event);
    if (actionItemId !== null) actionItemIds.add(actionItemId);
  }
  return { incidentIds: [...incidentIds], apiKeyIds: [...apiKeyIds], actionItemIds: [...actionItemIds] };
}

/**
 * Pure: applies every projection to a batch, in log order, starting from the documents as stored
 * (missing ids are new). Many events of one incident in a batch become one write of its final state.
 */
export function projectBatch(events: readonly StoredEvent[], documents: ReadModelDocuments): ReadModelChanges {
  const { incidents, apiKeys, actionItems } = documents;
  const nextIncidents = new Map<string, IncidentSummary | null>();
  const nextKeys = new Map<string, ApiKeyRow | null>();
  const nextItems = new Map<string, ActionItemRow | null>();
  const versions = new Map<string, ActionItemVersionRow>();
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
    const actionItemId = actionItemIdOf(event);
    if (actionItemId !== null) {
      const before = nextItems.has(actionItemId) ? (nextItems.get(actionItemId) ?? null) : (actionItems.get(actionItemId) ?? null);
      const after = evolveActionItemRow(before, event);
      nextItems.set(actionItemId, after);
      for (const version of versionChanges(before, after, event)) versions.set(`${version.actionItemId}\u0000${version.version}`, version);
    }
    if (timelineIncidentIdOf(event) !== null) {
      // RCAs and action items live in their own streams: they are on their incident's timeline, not
      // in its summary (open/overdue action-item counts are read from the action-item rows).
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
    actionItems: changed(nextItems, actionItems),
    actionItemVersions: [...versions.values()],
  };
}

function changed<T>(next: ReadonlyMap<string, T | null>, before: ReadonlyMap<string, T>): T[] {
  const out: T[] = [];
  for (const [id, doc] of next) {
    if (doc !== null && doc !== before.get(id)) out.push(doc);
  }
  return out;
}
