import type { EntityClass } from './entity-class';
import { PROJECTIONS } from '../projections/registry';
import { IdempotencyRecordEntity } from './idempotency-record.entity';
import { ProjectionCheckpointEntity } from './projection-checkpoint.entity';

/** Every table of the read-model database: the registered projections' and the shared ones. */
export const READ_MODEL_ENTITIES: readonly EntityClass[] = [
  ...PROJECTIONS.flatMap((projection) => projection.entities),
  ProjectionCheckpointEntity,
  IdempotencyRecordEntity,
];
