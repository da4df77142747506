import { actionItemsProjection } from './action-items/action-items.definition';
import { apiKeysProjection } from './api-keys/api-keys.definition';
import { incidentSummaryProjection } from './incident-summary/incident-summary.definition';
import { timelineProjection } from './timeline/timeline.definition';

/**
 * Every projection the projector keeps in step with the log, in the order each batch applies them.
 * Adding a projection: its folder, and one line here.
 */
export const PROJECTIONS = [incidentSummaryProjection, timelineProjection, apiKeysProjection, actionItemsProjection] as const;
