import { ACTIVE_ACTION_ITEM_STATUSES, evolveActionItem, type ActionItem, type ActionItemEvent, type ActionItemStatus } from '@causeway/domain';
import type { StoredEvent } from '@causeway/event-store';
import { ACTION_ITEM_EVENTS } from '../event-types';
import { toUtcIso, toUtcIsoOrNull } from '../iso-time';
import { foldDocuments, type ProjectedEvent } from '../projection';

/**
 * An action item as the read model keeps it: the domain's folded state, plus where in the log it
 * was last changed and since when its board-relevant facts (owner, team, status, due date) hold.
 */
export interface ActionItemRow extends ActionItem {
  /** Stream version of the last applied event: the resource's ETag. */
  readonly version: number;
  readonly lastPosition: number;
  /** An `ActionItemBecameOverdue` is recorded for the current due date (the scheduler skips it). */
  readonly overdueRecorded: boolean;
  /** The stream version that began the current owner / team / status / due-date combination. */
  readonly validFromVersion: number;
  /** When the log recorded that event: the start of the current row in `action_item_versions`. */
  readonly validFrom: string;
}

/**
 * One stretch of log time during which an item's owner, team, status and due date stayed the same:
 * what the overdue board `asOf=` reads. `validTo` is null for the stretch that still holds.
 */
export interface ActionItemVersionRow {
  readonly actionItemId: string;
  /** The stream version that began the stretch. */
  readonly version: number;
  readonly incidentId: string;
  readonly owner: string;
  readonly team: string | null;
  readonly status: ActionItemStatus;
  readonly dueAt: string;
  readonly validFrom: string;
  readonly validTo: string | null;
}

export function isActionItemEvent(event: StoredEvent): event is ProjectedEvent<ActionItemEvent> {
  return ACTION_ITEM_EVENTS.has(event);
}

/** The action item an event belongs to, or null for events of other aggregates. */
export function actionItemIdOf(event: StoredEvent): string | null {
  if (!isActionItemEvent(event)) return null;
  // The log is JSON: an id is only trusted once it is seen to be text.
  const id: unknown = event.data.actionItemId;
  return typeof id === 'string' ? id : null;
}

/** True while the item still has to be done: only such items count as open or can be overdue. */
export function isActiveStatus(status: ActionItemStatus): boolean {
  return ACTIVE_ACTION_ITEM_STATUSES.includes(status);
}

/**
 * Pure: the row after `event`. Lifecycle rules are the domain's `evolveActionItem`; replays are
 * harmless (an event not newer than the row's version is already in it), and a stream that does not
 * start with `ActionItemCreated` yields no row rather than stopping every projection behind it.
 */
export function evolveActionItemRow(doc: ActionItemRow | null, event: StoredEvent): ActionItemRow | null {
  if (!isActionItemEvent(event)) return doc;
  if (doc !== null && event.version <= doc.version) return doc;
  if (doc === null && event.type !== 'ActionItemCreated') return null;
  const state = evolveActionItem(doc, event);
  if (state === null) return null;
  const item: ActionItem = {
    id: state.id,
    incidentId: state.incidentId,
    title: state.title,
    owner: state.owner,
    dueAt: toUtcIso(state.dueAt),
    priority: state.priority,
    kind: state.kind,
    description: state.description,
    team: state.team,
    status: state.status,
    createdAt: toUtcIso(state.createdAt),
    completedAt: toUtcIsoOrNull(state.completedAt),
    cancelledAt: toUtcIsoOrNull(state.cancelledAt),
    overdueFor: toUtcIsoOrNull(state.overdueFor),
  };
  const stretchContinues = doc !== null && sameStretch(doc, item);
  return {
    ...item,
    version: event.version,
    lastPosition: event.position,
    overdueRecorded: item.overdueFor !== null && item.overdueFor === item.dueAt,
    validFromVersion: stretchContinues ? doc.validFromVersion : event.version,
    validFrom: stretchContinues ? doc.validFrom : toUtcIso(event.recordedAt),
  };
}

function sameStretch(a: ActionItem, b: ActionItem): boolean {
  return a.owner === b.owner && a.team === b.team && a.status === b.status && a.dueAt === b.dueAt;
}

/** The `action_item_versions` row of the stretch `row` is in; `validTo` closes it. */
export function versionRowOf(row: ActionItemRow, validTo: string | null): ActionItemVersionRow {
  return {
    actionItemId: row.id,
    version: row.validFromVersion,
    incidentId: row.incidentId,
    owner: row.owner,
    team: row.team,
    status: row.status,
    dueAt: row.dueAt,
    validFrom: row.validFrom,
    validTo,
  };
}

/**
 * Pure: the version rows one event writes. A new stretch closes the previous one at the moment the
 * log recorded the change and opens its own; an event that changes none of the board's facts
 * (overdue marking) writes nothing.
 */
export function versionChanges(before: ActionItemRow | null, after: ActionItemRow | null, event: StoredEvent): ActionItemVersionRow[] {
  if (after === null || after === before || (before !== null && before.validFromVersion === after.validFromVersion)) return [];
  const opened = versionRowOf(after, null);
  return before === null ? [opened] : [versionRowOf(before, toUtcIso(event.recordedAt)), opened];
}

/** Pure: the changed rows of a batch and the board-history rows it writes (each key once). */
export function projectActionItems(events: readonly ProjectedEvent<ActionItemEvent>[], stored: ReadonlyMap<string, ActionItemRow>) {
  const versions = new Map<string, ActionItemVersionRow>();
  const actionItems = foldDocuments(events, stored, actionItemIdOf, evolveActionItemRow, (before, after, event) => {
    for (const version of versionChanges(before, after, event)) versions.set(`${version.actionItemId}\u0000${version.version}`, version);
  });
  return { actionItems, actionItemVersions: [...versions.values()] };
}
