import type { ReadModelWriter } from '../../storage/read-model.writer';
import type { ApiKeyRow } from './api-keys.projection';
import { ApiKeyEntity, fromApiKeyEntity, toApiKeyRow } from './api-key.entity';

export async function loadApiKeys(writer: ReadModelWriter, ids: readonly string[]): Promise<Map<string, ApiKeyRow>> {
  const rows = await writer.loadByIds(ApiKeyEntity, ids);
  return new Map(rows.map((row) => [row.id, fromApiKeyEntity(row)]));
}

export async function saveApiKeys(writer: ReadModelWriter, rows: readonly ApiKeyRow[]): Promise<void> {
  await writer.bulkWrite(ApiKeyEntity, rows.map(toApiKeyRow), {
    kind: 'update',
    key: ['id'],
    update: ['name', 'role', 'key_hash', 'key_prefix', 'created_at', 'revoked_at', 'created_by'],
  });
}
