import { actionItemsProjection } from './action-items/action-items.projection';
import { apiKeysProjection } from './api-keys/api-keys.projection';
import { incidentSummaryProjection } from './incident-summary/incident-summary.projection';
import { timelineProjection } from './timeline/timeline.projection';

/**
 * Every projection the projector keeps in step with the log, in the order each batch applies them.
 * Adding a projection: its folder, and one line here.
 */
export const PROJECTIONS = [incidentSummaryProjection, timelineProjection, apiKeysProjection, actionItemsProjection] as const;
