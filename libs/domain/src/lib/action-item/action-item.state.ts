import type { ActionItemKind, ActionItemPriority, ActionItemStatus } from './action-item.types';

export interface ActionItem {
  readonly id: string;
  readonly incidentId: string;
  readonly title: string;
  readonly owner: string;
  readonly dueAt: string;
  readonly priority: ActionItemPriority;
  readonly kind: ActionItemKind;
  readonly description: string | null;
  readonly team: string | null;
  readonly status: ActionItemStatus;
  readonly createdAt: string;
  /** Cleared by reopen; earlier completions stay in the event history. */
  readonly completedAt: string | null;
  readonly cancelledAt: string | null;
  /**
   * The due date an `ActionItemBecameOverdue` was last recorded for. A reschedule changes `dueAt`
   * and so re-arms the check; reopening keeps it, so one due date is never flagged twice.
   */
  readonly overdueFor: string | null;
}

/** Before `ActionItemCreated` the state is `null`. */
export type ActionItemState = ActionItem | null;
