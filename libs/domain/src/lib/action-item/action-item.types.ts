export const ACTION_ITEM_STATUSES = ['open', 'in_progress', 'done', 'cancelled'] as const;
export type ActionItemStatus = (typeof ACTION_ITEM_STATUSES)[number];

/** Statuses in which the item is still to be worked on: only these can change or become overdue. */
export const ACTIVE_ACTION_ITEM_STATUSES: readonly ActionItemStatus[] = ['open', 'in_progress'];

/** Statuses that only `ReopenActionItem` leaves. */
export const FINISHED_ACTION_ITEM_STATUSES: readonly ActionItemStatus[] = ['done', 'cancelled'];

export const ACTION_ITEM_PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type ActionItemPriority = (typeof ACTION_ITEM_PRIORITIES)[number];

export const ACTION_ITEM_KINDS = ['mitigation', 'corrective', 'preventive', 'detective'] as const;
export type ActionItemKind = (typeof ACTION_ITEM_KINDS)[number];

/** docs/api.md, section 9: `title` 1–300. */
export const ACTION_ITEM_TITLE_MAX_LENGTH = 300;

/** RFC 5321 caps a forward path at 254 characters; longer "addresses" cannot receive mail. */
const EMAIL_MAX_LENGTH = 254;
/** Deliberately loose: one `@`, no spaces, a dotted domain. Deliverability is the notifier's problem. */
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const TEAM = /^team:[a-z0-9][a-z0-9-]{0,99}$/;
const HANDLE = /^[a-z0-9][a-z0-9._-]{0,99}$/;

/**
 * Who an action item is for. Three forms are accepted, exactly as given (no trimming or case
 * folding, so the owner filter of `GET /action-items` matches what was stored):
 *
 * - an email address, e.g. `alice@example.com` (at most 254 characters);
 * - a team, `team:<slug>` where the slug is lower-case letters, digits and `-`, e.g. `team:payments`;
 * - a plain handle matching `^[a-z0-9][a-z0-9._-]{0,99}$`, e.g. `alice` or `j.doe`.
 */
export function isValidOwner(owner: string): boolean {
  if (owner.includes('@')) return owner.length <= EMAIL_MAX_LENGTH && EMAIL.test(owner);
  if (owner.startsWith('team:')) return TEAM.test(owner);
  return HANDLE.test(owner);
}

export const actionItemStreamId = (actionItemId: string): string => `action-item-${actionItemId}`;
