// Public surface of @causeway/read-models: other projects import only from here.
export * from './lib/projections/iso-time';
export * from './lib/projections/incident-summary.projection';
export * from './lib/projections/timeline.projection';
export * from './lib/projections/api-keys.projection';
export * from './lib/projections/read-models.projection';
export * from './lib/projections/action-items.projection';

export * from './lib/storage/column-types';
export * from './lib/storage/connection-lock';
export * from './lib/storage/incident-summary.entity';
export * from './lib/storage/timeline-entry.entity';
export * from './lib/storage/api-key.entity';
export * from './lib/storage/action-item.entity';
export * from './lib/storage/projection-checkpoint.entity';
export * from './lib/storage/idempotency-record.entity';
export * from './lib/storage/migrations/1795262400000-create-read-models.migration';
export * from './lib/storage/migrations/postgres/1795262400000-create-read-models.postgres.migration';
export * from './lib/storage/migrations/1795435200000-action-items.migration';
export * from './lib/storage/migrations/postgres/1795435200000-action-items.postgres.migration';
export * from './lib/storage/read-model-data-source';
export { READ_MODEL_LOCK_CLASS, READ_MODELS_CHANNEL } from './lib/storage/postgres-session';
export * from './lib/storage/read-model.writer';

export * from './lib/projector';

export * from './lib/queries/cursor';
export * from './lib/queries/incident.queries';
export * from './lib/queries/timeline.queries';
export * from './lib/queries/api-key.queries';
export * from './lib/queries/action-item.queries';
export * from './lib/queries/typeorm-idempotency.store';
