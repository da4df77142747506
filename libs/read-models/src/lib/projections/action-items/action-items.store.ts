import type { ReadModelWriter } from '../../storage/read-model.writer';
import type { ActionItemRow, ActionItemVersionRow } from './action-items.projection';
import { ActionItemEntity, ActionItemVersionEntity, fromActionItemEntity, toActionItemEntity, toActionItemVersionEntity } from './action-item.entity';

export async function loadActionItems(writer: ReadModelWriter, ids: readonly string[]): Promise<Map<string, ActionItemRow>> {
  const rows = await writer.loadByIds(ActionItemEntity, ids);
  return new Map(rows.map((row) => [row.id, fromActionItemEntity(row)]));
}

/** Never rewrites what only creation sets (incident, title, kind, priority, description, created_at). */
export async function saveActionItems(writer: ReadModelWriter, rows: readonly ActionItemRow[]): Promise<void> {
  await writer.bulkWrite(ActionItemEntity, rows.map(toActionItemEntity), {
    kind: 'update',
    key: ['id'],
    update: [
      'owner',
      'due_at',
      'status',
      'completed_at',
      'cancelled_at',
      'overdue_for',
      'overdue_recorded',
      'version',
      'last_position',
      'valid_from_version',
      'valid_from',
    ],
  });
}

/** A stretch's facts never change once written; only its end is set when the next one begins. */
export async function saveActionItemVersions(writer: ReadModelWriter, rows: readonly ActionItemVersionRow[]): Promise<void> {
  await writer.bulkWrite(ActionItemVersionEntity, rows.map(toActionItemVersionEntity), {
    kind: 'update',
    key: ['action_item_id', 'version'],
    update: ['valid_to'],
  });
}
