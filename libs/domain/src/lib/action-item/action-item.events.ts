import type { DomainEvent } from '../shared/decider';
import type { ActionItemKind, ActionItemPriority } from './action-item.types';

export type ActionItemCreated = DomainEvent<
  'ActionItemCreated',
  {
    readonly actionItemId: string;
    readonly incidentId: string;
    readonly title: string;
    readonly owner: string;
    /** ISO-8601 UTC; may already be past at creation, the overdue scheduler then flags it. */
    readonly dueAt: string;
    readonly priority: ActionItemPriority;
    readonly kind: ActionItemKind;
    readonly description: string | null;
    readonly team: string | null;
    readonly occurredAt: string;
  }
>;

export type ActionItemAssigned = DomainEvent<
  'ActionItemAssigned',
  {
    readonly actionItemId: string;
    readonly incidentId: string;
    readonly from: string;
    readonly to: string;
    readonly reason: string | null;
    readonly occurredAt: string;
  }
>;

export type ActionItemRescheduled = DomainEvent<
  'ActionItemRescheduled',
  {
    readonly actionItemId: string;
    readonly incidentId: string;
    readonly fromDueAt: string;
    readonly toDueAt: string;
    /** `toDueAt - fromDueAt` in whole seconds: positive is a slip, negative a pull-in. */
    readonly slipSeconds: number;
    readonly reason: string;
    readonly occurredAt: string;
  }
>;

export type ActionItemStarted = DomainEvent<
  'ActionItemStarted',
  { readonly actionItemId: string; readonly incidentId: string; readonly occurredAt: string }
>;

export type ActionItemCompleted = DomainEvent<
  'ActionItemCompleted',
  {
    readonly actionItemId: string;
    readonly incidentId: string;
    readonly note: string | null;
    /** The due date in force at completion, so on-time rates need no second read. */
    readonly dueAt: string;
    /** Completed at or before `dueAt`. */
    readonly onTime: boolean;
    readonly occurredAt: string;
  }
>;

export type ActionItemReopened = DomainEvent<
  'ActionItemReopened',
  { readonly actionItemId: string; readonly incidentId: string; readonly reason: string; readonly occurredAt: string }
>;

/** Won't do: the reason says why. */
export type ActionItemCancelled = DomainEvent<
  'ActionItemCancelled',
  { readonly actionItemId: string; readonly incidentId: string; readonly reason: string; readonly occurredAt: string }
>;

export type ActionItemBecameOverdue = DomainEvent<
  'ActionItemBecameOverdue',
  {
    readonly actionItemId: string;
    readonly incidentId: string;
    /** The due date that passed; at most one such event is recorded per due date. */
    readonly dueAt: string;
    /** When the scheduler noticed; `detectedAt - dueAt` is the scheduler's lag. */
    readonly detectedAt: string;
    readonly occurredAt: string;
  }
>;

export type ActionItemEvent =
  | ActionItemCreated
  | ActionItemAssigned
  | ActionItemRescheduled
  | ActionItemStarted
  | ActionItemCompleted
  | ActionItemReopened
  | ActionItemCancelled
  | ActionItemBecameOverdue;

export type ActionItemEventType = ActionItemEvent['type'];

export const ACTION_ITEM_EVENT_TYPES: readonly ActionItemEventType[] = [
  'ActionItemCreated',
  'ActionItemAssigned',
  'ActionItemRescheduled',
  'ActionItemStarted',
  'ActionItemCompleted',
  'ActionItemReopened',
  'ActionItemCancelled',
  'ActionItemBecameOverdue',
];
