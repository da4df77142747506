import type { IncidentSummary } from '@causeway/read-models';

/** The incident resource of API.md; internal bookkeeping of the read model stays out. */
export type IncidentResource = Omit<IncidentSummary, 'lastPosition'>;

export function toIncidentResource(summary: IncidentSummary): IncidentResource {
  const { lastPosition: _lastPosition, ...resource } = summary;
  return resource;
}
