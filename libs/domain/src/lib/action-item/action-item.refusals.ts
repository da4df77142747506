import type { ActionItemStatus } from './action-item.types';

/** Why the action-item decider refuses a command in the item's current state (HTTP 409 `reason`). */
export type ActionItemTransitionReason =
  | 'INCIDENT_CLOSED'
  | 'OWNER_UNCHANGED'
  | 'DUE_DATE_UNCHANGED'
  | 'ALREADY_STARTED'
  | 'NOT_FINISHED'
  /** The command is not allowed from this status: `ACTION_ITEM_DONE`, … */
  | `ACTION_ITEM_${Uppercase<ActionItemStatus>}`;

/** Why the action-item decider refuses a command's values (HTTP 400 `reason`). */
export type ActionItemValidationReason = 'TITLE_INVALID' | 'OWNER_INVALID' | 'REASON_REQUIRED' | 'DUE_AT_INVALID';
