import { assertNever, type ApiKeyEvent, type Role } from '@causeway/domain';
import type { StoredEvent } from '@causeway/event-store';
import { toUtcIso } from './iso-time';

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

export const API_KEY_EVENT_TYPES: readonly ApiKeyEvent['type'][] = ['ApiKeyCreated', 'ApiKeyRevoked'];

const HANDLED = new Set<string>(API_KEY_EVENT_TYPES);

export function isApiKeyEvent(event: StoredEvent): boolean {
  return HANDLED.has(event.type);
}

export function apiKeyIdOf(event: StoredEvent): string | null {
  if (!isApiKeyEvent(event)) return null;
  const id = event.data['keyId'];
  return typeof id === 'string' ? id : null;
}

/** Pure: the key's row after `event`. */
export function evolveApiKey(row: ApiKeyRow | null, event: StoredEvent): ApiKeyRow | null {
  if (!isApiKeyEvent(event)) return row;
  const domainEvent = { type: event.type, data: event.data } as unknown as ApiKeyEvent;
  switch (domainEvent.type) {
    case 'ApiKeyCreated': {
      // A key is created once per stream; a replayed creation must not un-revoke it.
      if (row !== null) return row;
      const { keyId, name, role, keyHash, keyPrefix, occurredAt } = domainEvent.data;
      return { id: keyId, name, role, keyHash, keyPrefix, createdAt: toUtcIso(occurredAt), revokedAt: null, createdBy: event.actor };
    }
    case 'ApiKeyRevoked':
      if (row === null || row.revokedAt !== null) return row;
      return { ...row, revokedAt: toUtcIso(domainEvent.data.occurredAt) };
    default:
      return assertNever(domainEvent);
  }
}
