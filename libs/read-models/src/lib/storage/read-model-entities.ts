import { ActionItemEntity, ActionItemVersionEntity } from './action-item.entity';
import { ApiKeyEntity } from './api-key.entity';
import { IdempotencyRecordEntity } from './idempotency-record.entity';
import { IncidentSummaryEntity } from './incident-summary.entity';
import { ProjectionCheckpointEntity } from './projection-checkpoint.entity';
import { TimelineEntryEntity } from './timeline-entry.entity';

export const READ_MODEL_ENTITIES = [
  IncidentSummaryEntity,
  TimelineEntryEntity,
  ApiKeyEntity,
  ActionItemEntity,
  ActionItemVersionEntity,
  ProjectionCheckpointEntity,
  IdempotencyRecordEntity,
] as const;
