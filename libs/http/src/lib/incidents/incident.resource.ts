import type { ActionItemCounts, IncidentSummary } from '@causeway/read-models';

/** The incident resource of docs/api.md (section 7.2); internal bookkeeping of the read model stays out. */
export type IncidentResource = Omit<IncidentSummary, 'lastPosition' | 'version'> & {
  /** Action items open or in progress, and those of them past due, at the time of the read. */
  readonly openActionItems: number;
  readonly overdueActionItems: number;
  readonly version: number;
};

const NO_ACTION_ITEMS: ActionItemCounts = { open: 0, overdue: 0 };

export function toIncidentResource(summary: IncidentSummary, counts: ActionItemCounts = NO_ACTION_ITEMS): IncidentResource {
  const { lastPosition: _lastPosition, version, ...resource } = summary;
  return { ...resource, openActionItems: counts.open, overdueActionItems: counts.overdue, version };
}
