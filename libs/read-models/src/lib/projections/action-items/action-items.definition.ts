import { ACTION_ITEM_EVENTS } from '../event-types';
import { defineProjection, distinctIds } from '../projection';
import { ActionItems1795435200000 } from './migrations/1795435200000-action-items.migration';
import { PostgresActionItems1795435200000 } from './migrations/postgres/1795435200000-action-items.postgres.migration';
import { ActionItemEntity, ActionItemVersionEntity } from './action-item.entity';
import { loadActionItems, saveActionItems, saveActionItemVersions } from './action-items.store';
import { actionItemIdOf, projectActionItems } from './action-items.projection';

/** Action items and their board history (`action_item_versions`, the stretches `asOf=` reads). */
export const actionItemsProjection = defineProjection({
  name: 'action-items',
  eventTypes: ACTION_ITEM_EVENTS,
  entities: [ActionItemEntity, ActionItemVersionEntity],
  migrations: { sqlite: [ActionItems1795435200000], postgres: [PostgresActionItems1795435200000] },
  documents: {
    ids: (events) => ({ actionItemIds: distinctIds(events, actionItemIdOf) }),
    load: async (writer, { actionItemIds }) => ({ actionItems: await loadActionItems(writer, actionItemIds) }),
  },
  project: (events, { actionItems }) => projectActionItems(events, actionItems),
  save: async (writer, { actionItems, actionItemVersions }) => {
    await saveActionItems(writer, actionItems);
    await saveActionItemVersions(writer, actionItemVersions);
  },
});
