import type { IdempotencyRecord } from '@causeway/application';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { storedTime, TIMESTAMP } from './column-types';

/** A JSON response body (typed loosely: TypeORM's partial-entity types cannot recurse through JsonValue). */
export type ResponseBody = object | string | number | boolean | null;

/** Purging deletes by age, hence the index on created_at. */
@Entity({ name: 'idempotency_records' })
@Index('idx_idempotency_records_created_at', ['createdAt'])
export class IdempotencyRecordEntity {
  @PrimaryColumn({ type: 'varchar', length: 200 })
  scope: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  key: string;

  @Column({ name: 'request_hash', type: 'varchar', length: 64 })
  requestHash: string;

  @Column({ type: 'integer' })
  status: number;

  /** The response body as sent: JSON by construction. */
  @Column({ type: 'simple-json', nullable: true })
  body: ResponseBody;

  @Column({ type: 'simple-json' })
  headers: Record<string, string>;

  @Column({ name: 'created_at', ...TIMESTAMP })
  createdAt: string;
}

export function fromIdempotencyEntity(entity: IdempotencyRecordEntity): IdempotencyRecord {
  return {
    scope: entity.scope,
    key: entity.key,
    requestHash: entity.requestHash,
    status: entity.status,
    body: entity.body ?? null,
    headers: entity.headers,
    createdAt: storedTime(entity.createdAt),
  };
}
