import { INCIDENT_EVENTS } from '../event-types';
import { defineProjection, distinctIds, foldDocuments } from '../projection';
import { IncidentSummaryEntity } from './incident-summary.entity';
import { loadIncidentSummaries, saveIncidentSummaries } from './incident-summary.store';
import { incidentIdOf, evolveIncidentSummary } from './incident-summary.projection';

/** Incident summaries: one document per incident, evolved by the domain's own fold. */
export const incidentSummaryProjection = defineProjection({
  name: 'incident-summary',
  eventTypes: INCIDENT_EVENTS,
  entities: [IncidentSummaryEntity],
  documents: {
    ids: (events) => ({ incidentIds: distinctIds(events, incidentIdOf) }),
    load: async (writer, { incidentIds }) => ({ incidents: await loadIncidentSummaries(writer, incidentIds) }),
  },
  project: (events, { incidents }) => ({ incidents: foldDocuments(events, incidents, incidentIdOf, evolveIncidentSummary) }),
  save: (writer, { incidents }) => saveIncidentSummaries(writer, incidents),
});
