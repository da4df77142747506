import type { DomainEvent } from '../shared/decider';
import type { Role } from './access.types';

/** Only the key's hash is recorded: the secret is shown once to its creator and never stored. */
export type ApiKeyCreated = DomainEvent<
  'ApiKeyCreated',
  {
    readonly keyId: string;
    readonly name: string;
    readonly role: Role;
    /** sha256 hex of the full key. */
    readonly keyHash: string;
    /** The first characters of the key, to help people recognise it in lists. */
    readonly keyPrefix: string;
    readonly occurredAt: string;
  }
>;

export type ApiKeyRevoked = DomainEvent<'ApiKeyRevoked', { readonly keyId: string; readonly occurredAt: string }>;

export type ApiKeyEvent = ApiKeyCreated | ApiKeyRevoked;

export const API_KEY_EVENT_TYPES: readonly ApiKeyEvent['type'][] = ['ApiKeyCreated', 'ApiKeyRevoked'];
