import type { IdempotencyRecord, IdempotencyStore } from '@causeway/application';
import { LessThan, type DataSource } from 'typeorm';
import { toUtcIso } from '../projections/iso-time';
import { withConnectionLock } from '../storage/connection-lock';
import { withoutNulDeep } from '../storage/postgres-text';
import { fromIdempotencyEntity, IdempotencyRecordEntity, type ResponseBody } from '../storage/idempotency-record.entity';

/** Idempotency records in the read-model database: disposable like the read models, kept ≥ 24 h. */
export class TypeormIdempotencyStore implements IdempotencyStore {
  constructor(private readonly dataSource: DataSource) {}

  find(scope: string, key: string): Promise<IdempotencyRecord | null> {
    return withConnectionLock(this.dataSource, async () => {
      const row = await this.dataSource.getRepository(IdempotencyRecordEntity).findOneBy({ scope, key });
      return row === null ? null : fromIdempotencyEntity(row);
    });
  }

  /** Insert-if-absent in one statement, so two racing requests cannot both win; returns the stored record. */
  save(record: IdempotencyRecord): Promise<IdempotencyRecord> {
    return withConnectionLock(this.dataSource, async () => {
      const repository = this.dataSource.getRepository(IdempotencyRecordEntity);
      const row: IdempotencyRecordEntity = {
        scope: record.scope,
        key: record.key,
        requestHash: record.requestHash,
        status: record.status,
        body: (record.body ?? null) as ResponseBody,
        headers: { ...record.headers },
        createdAt: toUtcIso(record.createdAt),
      };
      // A response can echo text holding U+0000, which PostgreSQL's jsonb refuses.
      if (this.dataSource.options.type === 'postgres') Object.assign(row, withoutNulDeep({ body: row.body, headers: row.headers }));
      await repository.createQueryBuilder().insert().values(row).orIgnore()
        .updateEntity(false)
        .execute();
      const stored = await repository.findOneByOrFail({ scope: record.scope, key: record.key });
      return fromIdempotencyEntity(stored);
    });
  }

  purgeBefore(cutoff: string): Promise<number> {
    return withConnectionLock(this.dataSource, async () => {
      const result = await this.dataSource.getRepository(IdempotencyRecordEntity).delete({ createdAt: LessThan(toUtcIso(cutoff)) });
      return result.affected ?? 0;
    });
  }
}
