import {
  ACTIVE_ACTION_ITEM_STATUSES,
  FINISHED_ACTION_ITEM_STATUSES,
  type ActionItemKind,
  type ActionItemPriority,
  type ActionItemStatus,
} from '@causeway/domain';
import { Column, Entity, Index, PrimaryColumn, type DataSource } from 'typeorm';
import type { ActionItemRow, ActionItemVersionRow } from './action-items.projection';
import { POSITION, storedTime, storedTimeOrNull, TIMESTAMP } from '../../storage/column-types';

/**
 * `status IN ('open', 'in_progress')`, optionally qualified: written literally, the same way, into
 * the partial indexes and every query that should use them (SQLite and PostgreSQL use a partial
 * index only when the query's WHERE visibly implies the index's own; a bound parameter does not).
 */
export function statusInSql(statuses: readonly ActionItemStatus[], alias?: string): string {
  return `${alias === undefined ? '' : `${alias}.`}status IN (${statuses.map((status) => `'${status}'`).join(', ')})`;
}

export const ACTIVE_STATUS_SQL = statusInSql(ACTIVE_ACTION_ITEM_STATUSES);
export const FINISHED_STATUS_SQL = statusInSql(FINISHED_ACTION_ITEM_STATUSES);
/** Items the overdue scheduler still has to look at once they fall due. */
export const UNFLAGGED_ACTIVE_SQL = `${ACTIVE_STATUS_SQL} AND overdue_recorded = false`;

/**
 * Lists order by due date (soonest, i.e. most overdue, first) and page with a keyset on
 * (due_at, id). Every filter gets a composite index ending in that pair; the overdue board and the
 * scheduler read partial indexes holding only the active items, so that a million finished items
 * with long-past due dates are never scanned to find the overdue ones. A status filter reads the
 * active or the finished partial index (no plain status index: the planners would pick it for the
 * board's `status IN (…)` and then sort every overdue item).
 */
@Entity({ name: 'action_items' })
@Index('idx_action_items_due_at_id', ['dueAt', 'id'])
@Index('idx_action_items_owner_due_at_id', ['owner', 'dueAt', 'id'])
@Index('idx_action_items_team_due_at_id', ['team', 'dueAt', 'id'])
@Index('idx_action_items_incident_due_at_id', ['incidentId', 'dueAt', 'id'])
@Index('idx_action_items_active_due_at_id', ['dueAt', 'id'], { where: ACTIVE_STATUS_SQL })
@Index('idx_action_items_active_owner_due_at_id', ['owner', 'dueAt', 'id'], { where: ACTIVE_STATUS_SQL })
@Index('idx_action_items_active_team_due_at_id', ['team', 'dueAt', 'id'], { where: ACTIVE_STATUS_SQL })
@Index('idx_action_items_finished_due_at_id', ['dueAt', 'id'], { where: FINISHED_STATUS_SQL })
@Index('idx_action_items_unflagged_due_at_id', ['dueAt', 'id'], { where: UNFLAGGED_ACTIVE_SQL })
export class ActionItemEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'incident_id', type: 'varchar', length: 36 })
  incidentId: string;

  @Column({ type: 'varchar', length: 300 })
  title: string;

  @Column({ type: 'varchar', length: 254 })
  owner: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  team: string | null;

  @Column({ name: 'due_at', ...TIMESTAMP })
  dueAt: string;

  @Column({ type: 'varchar', length: 2 })
  priority: ActionItemPriority;

  @Column({ type: 'varchar', length: 16 })
  kind: ActionItemKind;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'varchar', length: 16 })
  status: ActionItemStatus;

  @Column({ name: 'created_at', ...TIMESTAMP })
  createdAt: string;

  @Column({ name: 'completed_at', ...TIMESTAMP, nullable: true })
  completedAt: string | null;

  @Column({ name: 'cancelled_at', ...TIMESTAMP, nullable: true })
  cancelledAt: string | null;

  @Column({ name: 'overdue_for', ...TIMESTAMP, nullable: true })
  overdueFor: string | null;

  @Column({ name: 'overdue_recorded', type: 'boolean' })
  overdueRecorded: boolean;

  @Column({ type: 'integer' })
  version: number;

  @Column({ name: 'last_position', ...POSITION })
  lastPosition: number;

  @Column({ name: 'valid_from_version', type: 'integer' })
  validFromVersion: number;

  @Column({ name: 'valid_from', ...TIMESTAMP })
  validFrom: string;
}

export function toActionItemEntity(row: ActionItemRow): ActionItemEntity {
  return { ...row };
}

/** An `action_items` row as a raw query returns it, converted the way TypeORM loads an entity. */
export function hydrateActionItem(dataSource: DataSource, raw: Record<string, unknown>): ActionItemEntity {
  const metadata = dataSource.getMetadata(ActionItemEntity);
  const entity = metadata.create() as ActionItemEntity;
  for (const column of metadata.columns) {
    column.setEntityValue(entity, dataSource.driver.prepareHydratedValue(raw[column.databaseName], column));
  }
  return entity;
}

export function fromActionItemEntity(entity: ActionItemEntity): ActionItemRow {
  return {
    id: entity.id,
    incidentId: entity.incidentId,
    title: entity.title,
    owner: entity.owner,
    team: entity.team,
    dueAt: storedTime(entity.dueAt),
    priority: entity.priority,
    kind: entity.kind,
    description: entity.description,
    status: entity.status,
    createdAt: storedTime(entity.createdAt),
    completedAt: storedTimeOrNull(entity.completedAt),
    cancelledAt: storedTimeOrNull(entity.cancelledAt),
    overdueFor: storedTimeOrNull(entity.overdueFor),
    // SQLite hands booleans back as 0 / 1.
    overdueRecorded: Boolean(entity.overdueRecorded),
    version: entity.version,
    lastPosition: entity.lastPosition,
    validFromVersion: entity.validFromVersion,
    validFrom: storedTime(entity.validFrom),
  };
}

/**
 * Each item's owner, team, status and due date over log time. "What was overdue at T" is the rows
 * valid at T (valid_from ≤ T < valid_to) that were active and due before T; the partial indexes hold
 * only the active stretches, in due-date order.
 */
@Entity({ name: 'action_item_versions' })
@Index('idx_action_item_versions_active_due_at', ['dueAt', 'actionItemId'], { where: ACTIVE_STATUS_SQL })
@Index('idx_action_item_versions_active_owner_due_at', ['owner', 'dueAt', 'actionItemId'], { where: ACTIVE_STATUS_SQL })
export class ActionItemVersionEntity {
  @PrimaryColumn({ name: 'action_item_id', type: 'varchar', length: 36 })
  actionItemId: string;

  @PrimaryColumn({ type: 'integer' })
  version: number;

  @Column({ name: 'incident_id', type: 'varchar', length: 36 })
  incidentId: string;

  @Column({ type: 'varchar', length: 254 })
  owner: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  team: string | null;

  @Column({ type: 'varchar', length: 16 })
  status: ActionItemStatus;

  @Column({ name: 'due_at', ...TIMESTAMP })
  dueAt: string;

  @Column({ name: 'valid_from', ...TIMESTAMP })
  validFrom: string;

  @Column({ name: 'valid_to', ...TIMESTAMP, nullable: true })
  validTo: string | null;
}

export function toActionItemVersionEntity(row: ActionItemVersionRow): ActionItemVersionEntity {
  return { ...row };
}
