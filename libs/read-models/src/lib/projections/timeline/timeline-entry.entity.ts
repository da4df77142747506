import type { JsonObject } from '@causeway/event-store';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { TimelineEntry } from './timeline.projection';
import { POSITION, storedTime, TIMESTAMP } from '../../storage/column-types';

/**
 * The log position is the key: it is unique, so re-inserting an applied event is a no-op. Timelines
 * are read per incident in business-time order (the page) or in log order (SSE resume after
 * `Last-Event-ID`), one index each.
 */
@Entity({ name: 'timeline_entries' })
@Index('idx_timeline_incident_occurred_at_position', ['incidentId', 'occurredAt', 'position'])
@Index('idx_timeline_incident_position', ['incidentId', 'position'])
export class TimelineEntryEntity {
  @PrimaryColumn(POSITION)
  position: number;

  @Column({ name: 'incident_id', type: 'varchar', length: 36 })
  incidentId: string;

  @Column({ name: 'occurred_at', ...TIMESTAMP })
  occurredAt: string;

  @Column({ name: 'recorded_at', ...TIMESTAMP })
  recordedAt: string;

  @Column({ type: 'varchar', length: 100 })
  type: string;

  @Column({ type: 'varchar', length: 200 })
  actor: string;

  @Column({ type: 'text' })
  summary: string;

  @Column({ type: 'simple-json' })
  data: JsonObject;
}

export function toTimelineRow(entry: TimelineEntry): TimelineEntryEntity {
  return { ...entry };
}

export function fromTimelineRow(row: TimelineEntryEntity): TimelineEntry {
  return {
    position: row.position,
    incidentId: row.incidentId,
    occurredAt: storedTime(row.occurredAt),
    recordedAt: storedTime(row.recordedAt),
    type: row.type,
    actor: row.actor,
    summary: row.summary,
    data: row.data,
  };
}
