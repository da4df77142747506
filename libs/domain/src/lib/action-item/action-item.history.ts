import { assertNever } from '../shared/decider';
import type { ActionItemEvent } from './action-item.events';
import type { ActionItemStatus } from './action-item.types';

/** One owner's stretch of ownership; `to` is absent while it lasts. */
export interface ActionItemOwnerPeriod {
  readonly owner: string;
  readonly from: string;
  readonly to?: string;
  /** Who made the assignment: the actor lives in the stored event's metadata, so the caller adds it. */
  readonly by?: string;
  /** `null` for the owner set at creation and for assignments given without a reason. */
  readonly reason: string | null;
}

export interface ActionItemDueDateEntry {
  readonly dueAt: string;
  readonly setAt: string;
  /** Change against the previous due date in seconds; 0 for the first one. */
  readonly slipSeconds: number;
  /** `null` for the due date set at creation. */
  readonly reason: string | null;
}

export interface ActionItemStatusEntry {
  readonly status: ActionItemStatus;
  readonly at: string;
}

/** Lineage of an action item for `GET /action-items/:id/history`, oldest first in every list. */
export interface ActionItemHistory {
  readonly owners: readonly ActionItemOwnerPeriod[];
  readonly dueDates: readonly ActionItemDueDateEntry[];
  readonly statuses: readonly ActionItemStatusEntry[];
}

/** Builds the lineage from one action item's events, in stream order. Overdue flags are not lineage. */
export function actionItemHistory(events: readonly ActionItemEvent[]): ActionItemHistory {
  const owners: ActionItemOwnerPeriod[] = [];
  const dueDates: ActionItemDueDateEntry[] = [];
  const statuses: ActionItemStatusEntry[] = [];
  for (const event of events) {
    const { data } = event;
    switch (event.type) {
      case 'ActionItemCreated':
        owners.push({ owner: event.data.owner, from: data.occurredAt, reason: null });
        dueDates.push({ dueAt: event.data.dueAt, setAt: data.occurredAt, slipSeconds: 0, reason: null });
        statuses.push({ status: 'open', at: data.occurredAt });
        break;
      case 'ActionItemAssigned': {
        const last = owners.pop();
        if (last !== undefined) owners.push({ ...last, to: data.occurredAt });
        owners.push({ owner: event.data.to, from: data.occurredAt, reason: event.data.reason });
        break;
      }
      case 'ActionItemRescheduled':
        dueDates.push({ dueAt: event.data.toDueAt, setAt: data.occurredAt, slipSeconds: event.data.slipSeconds, reason: event.data.reason });
        break;
      case 'ActionItemStarted':
        statuses.push({ status: 'in_progress', at: data.occurredAt });
        break;
      case 'ActionItemCompleted':
        statuses.push({ status: 'done', at: data.occurredAt });
        break;
      case 'ActionItemReopened':
        statuses.push({ status: 'open', at: data.occurredAt });
        break;
      case 'ActionItemCancelled':
        statuses.push({ status: 'cancelled', at: data.occurredAt });
        break;
      case 'ActionItemBecameOverdue':
        break;
      default:
        assertNever(event);
    }
  }
  return { owners, dueDates, statuses };
}
