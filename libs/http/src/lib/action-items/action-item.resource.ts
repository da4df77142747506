import { ACTIVE_ACTION_ITEM_STATUSES, type ActionItem, type ActionItemHistory } from '@causeway/domain';
import type { StoredEvent } from '@causeway/event-store';

/**
 * `GET /action-items/:id`: the item folded from its stream; `version` is the stream version (ETag).
 * `overdueFor` stays internal: clients get `overdue` / `overdueSince`, computed at read time.
 */
export type ActionItemResource = Omit<ActionItem, 'overdueFor'> & {
  /** `dueAt` has passed while the item is open or in progress (computed at read time). */
  readonly overdue: boolean;
  /** When it became overdue (its due date), or null while it is not. */
  readonly overdueSince: string | null;
  readonly version: number;
};

export function toActionItemResource(item: ActionItem, version: number, now: Date): ActionItemResource {
  const overdue = ACTIVE_ACTION_ITEM_STATUSES.includes(item.status) && Date.parse(item.dueAt) < now.getTime();
  return {
    id: item.id,
    incidentId: item.incidentId,
    title: item.title,
    owner: item.owner,
    dueAt: item.dueAt,
    priority: item.priority,
    kind: item.kind,
    description: item.description,
    team: item.team,
    status: item.status,
    overdue,
    overdueSince: overdue ? item.dueAt : null,
    createdAt: item.createdAt,
    completedAt: item.completedAt,
    cancelledAt: item.cancelledAt,
    version,
  };
}

type WithActor<T> = T & { readonly by: string | null };

/** `GET /action-items/:id/history`: the lineage, each change with who made it. */
export interface ActionItemHistoryResource {
  readonly id: string;
  readonly incidentId: string;
  readonly owners: readonly WithActor<ActionItemHistory['owners'][number]>[];
  readonly dueDates: readonly WithActor<ActionItemHistory['dueDates'][number]>[];
  readonly statuses: readonly WithActor<ActionItemHistory['statuses'][number]>[];
  readonly version: number;
}

/**
 * Adds the actor of each change. `actionItemHistory` appends one entry per lineage event, in stream
 * order, so walking the stored events in the same order pairs each entry with its event.
 */
export function toActionItemHistoryResource(
  item: ActionItem,
  history: ActionItemHistory,
  events: readonly StoredEvent[],
  version: number,
): ActionItemHistoryResource {
  const ownerActors: string[] = [];
  const dueDateActors: string[] = [];
  const statusActors: string[] = [];
  for (const event of events) {
    switch (event.type) {
      case 'ActionItemCreated':
        ownerActors.push(event.actor);
        dueDateActors.push(event.actor);
        statusActors.push(event.actor);
        break;
      case 'ActionItemAssigned':
        ownerActors.push(event.actor);
        break;
      case 'ActionItemRescheduled':
        dueDateActors.push(event.actor);
        break;
      case 'ActionItemStarted':
      case 'ActionItemCompleted':
      case 'ActionItemReopened':
      case 'ActionItemCancelled':
        statusActors.push(event.actor);
        break;
      default:
        break;
    }
  }
  return {
    id: item.id,
    incidentId: item.incidentId,
    owners: history.owners.map((entry, i) => ({ ...entry, by: entry.by ?? ownerActors[i] ?? null })),
    dueDates: history.dueDates.map((entry, i) => ({ ...entry, by: dueDateActors[i] ?? null })),
    statuses: history.statuses.map((entry, i) => ({ ...entry, by: statusActors[i] ?? null })),
    version,
  };
}
