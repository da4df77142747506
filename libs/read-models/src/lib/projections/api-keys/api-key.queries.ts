import { IsNull, type DataSource, type FindOptionsWhere } from 'typeorm';
import type { ApiKeyRow } from './api-keys.projection';
import { ApiKeyEntity, fromApiKeyEntity } from './api-key.entity';
import { withConnectionLock } from '../../storage/connection-lock';

export class ApiKeyQueries {
  constructor(private readonly dataSource: DataSource) {}

  /** The key with this sha256, revoked or not: check `revokedAt` (or use `findActiveByHash`). */
  findByHash(keyHash: string): Promise<ApiKeyRow | null> {
    return this.findOne({ keyHash });
  }

  /** The key with this sha256 unless it was revoked: what authentication needs. */
  findActiveByHash(keyHash: string): Promise<ApiKeyRow | null> {
    return this.findOne({ keyHash, revokedAt: IsNull() });
  }

  get(id: string): Promise<ApiKeyRow | null> {
    return this.findOne({ id });
  }

  /** Every key, revoked ones included, oldest first. */
  list(): Promise<ApiKeyRow[]> {
    return withConnectionLock(this.dataSource, async () => {
      const rows = await this.dataSource.getRepository(ApiKeyEntity).find({ order: { createdAt: 'ASC', id: 'ASC' } });
      return rows.map(fromApiKeyEntity);
    });
  }

  count(options: { readonly activeOnly?: boolean } = {}): Promise<number> {
    return withConnectionLock(this.dataSource, () =>
      this.dataSource.getRepository(ApiKeyEntity).countBy(options.activeOnly ? { revokedAt: IsNull() } : {}),
    );
  }

  private findOne(where: FindOptionsWhere<ApiKeyEntity>): Promise<ApiKeyRow | null> {
    return withConnectionLock(this.dataSource, async () => {
      const row = await this.dataSource.getRepository(ApiKeyEntity).findOneBy(where);
      return row === null ? null : fromApiKeyEntity(row);
    });
  }
}
