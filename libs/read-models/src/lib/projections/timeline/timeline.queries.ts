import type { DataSource } from 'typeorm';
import type { TimelineEntry } from './timeline.projection';
import { withConnectionLock } from '../../storage/connection-lock';
import { fromTimelineRow, TimelineEntryEntity } from './timeline-entry.entity';
import { decodeCursor, encodeCursor, InvalidCursorError, pageSize, type Page } from '../../queries/cursor';

export interface TimelineListQuery {
  readonly limit?: number;
  readonly cursor?: string | null;
  /** Only entries the log recorded after this position (e.g. an SSE `Last-Event-ID`). */
  readonly afterPosition?: number;
  /**
   * `occurredAt` (default): the story as it happened, back-dated notes in place.
   * `position`: the order the log recorded them in, which is the order SSE delivers them in.
   */
  readonly order?: 'occurredAt' | 'position';
}

const BY_TIME = 'timeline';
const BY_POSITION = 'timeline-log';

export class TimelineQueries {
  constructor(private readonly dataSource: DataSource) {}

  /** Oldest first, by (occurredAt, position) or by position; throws `InvalidCursorError`. */
  async list(incidentId: string, query: TimelineListQuery = {}): Promise<Page<TimelineEntry>> {
    const limit = pageSize(query.limit);
    const byPosition = query.order === 'position';
    const after = query.cursor ? this.decode(incidentId, query.cursor, byPosition) : null;
    return withConnectionLock(this.dataSource, async () => {
      const select = this.dataSource
        .getRepository(TimelineEntryEntity)
        .createQueryBuilder('t')
        .where('t.incidentId = :incidentId', { incidentId });
      if (query.afterPosition !== undefined) select.andWhere('t.position > :afterPosition', { afterPosition: query.afterPosition });
      if (byPosition) {
        if (after !== null) select.andWhere('t.position > :cursorPosition', { cursorPosition: after.position });
        select.orderBy('t.position', 'ASC');
      } else {
        if (after !== null) {
          select.andWhere('(t.occurredAt, t.position) > (:cursorAt, :cursorPosition)', {
            cursorAt: after.occurredAt,
            cursorPosition: after.position,
          });
        }
        select.orderBy('t.occurredAt', 'ASC').addOrderBy('t.position', 'ASC');
      }
      const rows = await select.limit(limit + 1).getMany();
      const items = rows.slice(0, limit).map(fromTimelineRow);
      const last = items.at(-1);
      if (rows.length <= limit || last === undefined) return { items, nextCursor: null };
      const nextCursor = byPosition
        ? encodeCursor(BY_POSITION, [incidentId, last.position])
        : encodeCursor(BY_TIME, [incidentId, last.occurredAt, last.position]);
      return { items, nextCursor };
    });
  }

  private decode(incidentId: string, cursor: string, byPosition: boolean): { occurredAt: string; position: number } {
    const key = byPosition
      ? (([id, position]) => ({ id, occurredAt: '', position }))(decodeCursor(BY_POSITION, cursor, ['string', 'number'] as const))
      : (([id, occurredAt, position]) => ({ id, occurredAt, position }))(
          decodeCursor(BY_TIME, cursor, ['string', 'string', 'number'] as const),
        );
    // A cursor from another incident's timeline would page from an unrelated place.
    if (key.id !== incidentId) throw new InvalidCursorError();
    return key;
  }
}
