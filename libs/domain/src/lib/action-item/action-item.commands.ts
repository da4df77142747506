import type { Command } from '../shared/decider';
import type { IncidentStatus } from '../incident/incident.types';
import type { ActionItemKind, ActionItemPriority } from './action-item.types';

export type CreateActionItem = Command<
  'CreateActionItem',
  {
    readonly actionItemId: string;
    readonly incidentId: string;
    /**
     * The incident's status as the caller read it: the decider sees only this stream, and an
     * unknown incident is the application's 404 before any command is built.
     */
    readonly incidentStatus: IncidentStatus;
    readonly title: string;
    readonly owner: string;
    readonly dueAt: string;
    readonly priority: ActionItemPriority;
    readonly kind: ActionItemKind;
    readonly description?: string;
    readonly team?: string;
  }
>;

export type AssignActionItem = Command<'AssignActionItem', { readonly owner: string; readonly reason?: string }>;

export type RescheduleActionItem = Command<'RescheduleActionItem', { readonly dueAt: string; readonly reason: string }>;

export type StartActionItem = Command<'StartActionItem', Record<string, never>>;

export type CompleteActionItem = Command<'CompleteActionItem', { readonly note?: string }>;

export type ReopenActionItem = Command<'ReopenActionItem', { readonly reason: string }>;

export type CancelActionItem = Command<'CancelActionItem', { readonly reason: string }>;

/** Sent by the overdue scheduler with the due date it saw pass; a stale one is a no-op. */
export type MarkActionItemOverdue = Command<'MarkActionItemOverdue', { readonly dueAt: string }>;

export type ActionItemCommand =
  | CreateActionItem
  | AssignActionItem
  | RescheduleActionItem
  | StartActionItem
  | CompleteActionItem
  | ReopenActionItem
  | CancelActionItem
  | MarkActionItemOverdue;
