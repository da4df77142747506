// Public surface of @causeway/read-models: other projects import only from here.
export * from './lib/projections/iso-time';
export * from './lib/projections/projection';
export * from './lib/projections/registry';
export * from './lib/projections/incident-summary/incident-summary.projection';
export * from './lib/projections/incident-summary/incident-summary.definition';
export * from './lib/projections/timeline/timeline.projection';
export * from './lib/projections/timeline/timeline.definition';
export * from './lib/projections/api-keys/api-keys.projection';
export * from './lib/projections/api-keys/api-keys.definition';
export * from './lib/projections/read-models.projection';
export * from './lib/projections/action-items/action-items.projection';
export * from './lib/projections/action-items/action-items.definition';

export * from './lib/storage/column-types';
export * from './lib/storage/connection-lock';
export * from './lib/projections/incident-summary/incident-summary.entity';
export * from './lib/projections/timeline/timeline-entry.entity';
export * from './lib/projections/api-keys/api-key.entity';
export * from './lib/projections/action-items/action-item.entity';
export * from './lib/storage/projection-checkpoint.entity';
export * from './lib/storage/idempotency-record.entity';
export * from './lib/storage/migrations/1795262400000-create-read-models.migration';
export * from './lib/storage/migrations/postgres/1795262400000-create-read-models.postgres.migration';
export * from './lib/projections/action-items/migrations/1795435200000-action-items.migration';
export * from './lib/projections/action-items/migrations/postgres/1795435200000-action-items.postgres.migration';
export * from './lib/storage/read-model-data-source';
export { READ_MODEL_LOCK_CLASS, READ_MODELS_CHANNEL } from './lib/storage/postgres-session';
export * from './lib/storage/read-model.writer';

export * from './lib/projector';

export * from './lib/queries/cursor';
export * from './lib/projections/incident-summary/incident.queries';
export * from './lib/projections/timeline/timeline.queries';
export * from './lib/projections/api-keys/api-key.queries';
export * from './lib/projections/action-items/action-item.queries';
export * from './lib/queries/typeorm-idempotency.store';
