import type { StoredEvent } from '@causeway/event-store';
import { API_KEY_EVENT_TYPES, evolveApiKey, type ApiKeyRow } from './api-keys.projection';
import { StoredEventFixture } from '../stored-event.fixture';

describe('evolveApiKey', () => {
  const log = new StoredEventFixture();
  const created = log.apiKey(
    {
      type: 'ApiKeyCreated',
      data: { keyId: 'k1', name: 'ci', role: 'responder', keyHash: 'a'.repeat(64), keyPrefix: 'cw_abcdefg', occurredAt: '2026-11-21T10:00:00Z' },
    },
    'root',
  );
  const revoked = log.apiKey({ type: 'ApiKeyRevoked', data: { keyId: 'k1', occurredAt: '2026-11-21T11:00:00.000Z' } });
  const project = (events: StoredEvent[], from: ApiKeyRow | null = null) => events.reduce(evolveApiKey, from);

  it('handles creation and revocation', () => {
    expect(API_KEY_EVENT_TYPES).toEqual(['ApiKeyCreated', 'ApiKeyRevoked']);
  });

  it('creates a row without the secret, recording who created it', () => {
    expect(project([created])).toEqual({
      id: 'k1',
      name: 'ci',
      role: 'responder',
      keyHash: 'a'.repeat(64),
      keyPrefix: 'cw_abcdefg',
      createdAt: '2026-11-21T10:00:00.000Z',
      revokedAt: null,
      createdBy: 'root',
    });
  });

  it('marks the key revoked, and replays change nothing', () => {
    const row = project([created, revoked]);
    expect(row?.revokedAt).toBe('2026-11-21T11:00:00.000Z');
    expect(project([created, revoked], row)).toEqual(row);
  });

  it('ignores a revocation of an unknown key and other events', () => {
    expect(evolveApiKey(null, revoked)).toBeNull();
    const other = log.store('incident-x', { type: 'IncidentClosed', data: { occurredAt: '2026-11-21T10:00:00.000Z' } }, 'a');
    expect(evolveApiKey(null, other)).toBeNull();
  });
});
