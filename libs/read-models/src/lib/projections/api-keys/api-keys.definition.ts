import { API_KEY_EVENTS } from '../event-types';
import { defineProjection, distinctIds, foldDocuments } from '../projection';
import { ApiKeyEntity } from './api-key.entity';
import { loadApiKeys, saveApiKeys } from './api-keys.store';
import { apiKeyIdOf, evolveApiKey } from './api-keys.projection';

/** API keys as the authenticator looks them up: one row per key. */
export const apiKeysProjection = defineProjection({
  name: 'api-keys',
  eventTypes: API_KEY_EVENTS,
  entities: [ApiKeyEntity],
  documents: {
    ids: (events) => ({ apiKeyIds: distinctIds(events, apiKeyIdOf) }),
    load: async (writer, { apiKeyIds }) => ({ apiKeys: await loadApiKeys(writer, apiKeyIds) }),
  },
  project: (events, { apiKeys }) => ({ apiKeys: foldDocuments(events, apiKeys, apiKeyIdOf, evolveApiKey) }),
  save: (writer, { apiKeys }) => saveApiKeys(writer, apiKeys),
});
