import { AlreadyExistsError, InvalidTransitionError, NotFoundError } from '../shared/domain-error';
import { apiKeyDecider, type ApiKeyCommand } from './api-key.decider';
import type { ApiKeyEvent } from './api-key.events';

const metadata = { actor: 'admin', now: '2026-11-21T10:00:00.000Z' };
const created: ApiKeyEvent = {
  type: 'ApiKeyCreated',
  data: { keyId: 'k1', name: 'ci', role: 'responder', keyHash: 'h', keyPrefix: 'cw_abc', occurredAt: metadata.now },
};
const fold = (events: ApiKeyEvent[]) => events.reduce(apiKeyDecider.evolve, apiKeyDecider.initialState());
const create: ApiKeyCommand = {
  type: 'CreateApiKey',
  data: { keyId: 'k1', name: 'ci', role: 'responder', keyHash: 'h', keyPrefix: 'cw_abc' },
  metadata,
};
const revoke: ApiKeyCommand = { type: 'RevokeApiKey', data: {}, metadata };

describe('apiKeyDecider', () => {
  it('creates a key once', () => {
    expect(apiKeyDecider.decide(create, fold([]))).toEqual([created]);
    expect(() => apiKeyDecider.decide(create, fold([created]))).toThrow(AlreadyExistsError);
  });

  it('revokes an existing key once', () => {
    expect(apiKeyDecider.decide(revoke, fold([created]))).toEqual([
      { type: 'ApiKeyRevoked', data: { keyId: 'k1', occurredAt: metadata.now } },
    ]);
    const revoked = fold([created, { type: 'ApiKeyRevoked', data: { keyId: 'k1', occurredAt: metadata.now } }]);
    expect(revoked).toEqual({ keyId: 'k1', revoked: true });
    expect(() => apiKeyDecider.decide(revoke, revoked)).toThrow(InvalidTransitionError);
  });

  it('cannot revoke a key that does not exist', () => {
    expect(() => apiKeyDecider.decide(revoke, fold([]))).toThrow(NotFoundError);
  });
});
