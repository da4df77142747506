import { assertNever, type ApiKeyEvent, type Role } from '@causeway/domain';
import type { StoredEvent } from '@causeway/event-store';
import { API_KEY_EVENTS } from '../event-types';
import { toUtcIso } from '../iso-time';
import type { ProjectedEvent } from '../projection';

export { API_KEY_EVENT_TYPES } from '@causeway/domain';

/** An API key as the read side knows it: never the secret, only its sha256. */
export interface ApiKeyRow {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly keyHash: string;
  readonly keyPrefix: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
  /** The actor that created the key. */
  readonly createdBy: string;
}

export function isApiKeyEvent(event: StoredEvent): event is ProjectedEvent<ApiKeyEvent> {
  return API_KEY_EVENTS.has(event);
}

export function apiKeyIdOf(event: StoredEvent): string | null {
  if (!isApiKeyEvent(event)) return null;
  // The log is JSON: an id is only trusted once it is seen to be text.
  const id: unknown = event.data.keyId;
  return typeof id === 'string' ? id : null;
}

/** Pure: the key's row after `event`. */
export function evolveApiKey(row: ApiKeyRow | null, event: StoredEvent): ApiKeyRow | null {
  if (!isApiKeyEvent(event)) return row;
  switch (event.type) {
    case 'ApiKeyCreated': {
      // A key is created once per stream; a replayed creation must not un-revoke it.
      if (row !== null) return row;
      const { keyId, name, role, keyHash, keyPrefix, occurredAt } = event.data;
      return { id: keyId, name, role, keyHash, keyPrefix, createdAt: toUtcIso(occurredAt), revokedAt: null, createdBy: event.actor };
    }
    case 'ApiKeyRevoked':
      if (row === null || row.revokedAt !== null) return row;
      return { ...row, revokedAt: toUtcIso(event.data.occurredAt) };
    default:
      return assertNever(event);
  }
}
