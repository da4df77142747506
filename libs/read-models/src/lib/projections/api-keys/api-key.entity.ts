import type { Role } from '@causeway/domain';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ApiKeyRow } from './api-keys.projection';
import { storedTime, storedTimeOrNull, TIMESTAMP } from '../../storage/column-types';

/** Every authenticated request looks its key up by hash, hence the unique index. */
@Entity({ name: 'api_keys' })
@Index('uq_api_keys_key_hash', ['keyHash'], { unique: true })
export class ApiKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  role: Role;

  @Column({ name: 'key_hash', type: 'varchar', length: 64 })
  keyHash: string;

  @Column({ name: 'key_prefix', type: 'varchar', length: 32 })
  keyPrefix: string;

  @Column({ name: 'created_at', ...TIMESTAMP })
  createdAt: string;

  @Column({ name: 'revoked_at', ...TIMESTAMP, nullable: true })
  revokedAt: string | null;

  @Column({ name: 'created_by', type: 'varchar', length: 200 })
  createdBy: string;
}

export function toApiKeyRow(row: ApiKeyRow): ApiKeyEntity {
  return { ...row };
}

export function fromApiKeyEntity(entity: ApiKeyEntity): ApiKeyRow {
  return {
    id: entity.id,
    name: entity.name,
    role: entity.role,
    keyHash: entity.keyHash,
    keyPrefix: entity.keyPrefix,
    createdAt: storedTime(entity.createdAt),
    revokedAt: storedTimeOrNull(entity.revokedAt),
    createdBy: entity.createdBy,
  };
}
