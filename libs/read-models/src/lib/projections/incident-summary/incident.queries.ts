import type { IncidentStatus, Severity } from '@causeway/domain';
import type { DataSource } from 'typeorm';
import type { IncidentSummary } from './incident-summary.projection';
import { withConnectionLock } from '../../storage/connection-lock';
import { fromIncidentRow, IncidentSummaryEntity } from './incident-summary.entity';
import { decodeCursor, encodeCursor, pageSize, type Page } from '../../queries/cursor';

export interface ListIncidentsFilter {
  readonly status?: IncidentStatus;
  readonly severity?: Severity;
  readonly service?: string;
  readonly team?: string;
  readonly vendorSite?: string;
  /** Case-insensitive substring of the title or the summary. */
  readonly q?: string;
  /** 1–200, default 50. */
  readonly limit?: number;
  readonly cursor?: string | null;
}

const LIST = 'incidents';

export class IncidentQueries {
  constructor(private readonly dataSource: DataSource) {}

  get(id: string): Promise<IncidentSummary | null> {
    return withConnectionLock(this.dataSource, async () => {
      const row = await this.dataSource.getRepository(IncidentSummaryEntity).findOneBy({ id });
      return row === null ? null : fromIncidentRow(row);
    });
  }

  /** Newest first (declaredAt, then id, descending); throws `InvalidCursorError`. */
  async list(query: ListIncidentsFilter = {}): Promise<Page<IncidentSummary>> {
    const limit = pageSize(query.limit);
    const after = query.cursor ? decodeCursor(LIST, query.cursor, ['string', 'string'] as const) : null;
    return withConnectionLock(this.dataSource, async () => {
      const select = this.dataSource.getRepository(IncidentSummaryEntity).createQueryBuilder('i');
      const equal = {
        status: query.status,
        severity: query.severity,
        service: query.service,
        team: query.team,
        vendorSite: query.vendorSite,
      } as const;
      for (const [property, value] of Object.entries(equal)) {
        if (value !== undefined) select.andWhere(`i.${property} = :${property}`, { [property]: value });
      }
      if (query.q !== undefined && query.q !== '') {
        select.andWhere(`i.searchText LIKE :pattern ESCAPE '\\'`, { pattern: `%${escapeLike(query.q.toLowerCase())}%` });
      }
      if (after !== null) {
        // A row-value comparison is one range scan on the (…, declared_at, id) indexes.
        select.andWhere('(i.declaredAt, i.id) < (:declaredAt, :id)', { declaredAt: after[0], id: after[1] });
      }
      const rows = await select.orderBy('i.declaredAt', 'DESC').addOrderBy('i.id', 'DESC').limit(limit + 1).getMany();
      const items = rows.slice(0, limit).map(fromIncidentRow);
      const last = items.at(-1);
      return {
        items,
        nextCursor: rows.length > limit && last !== undefined ? encodeCursor(LIST, [last.declaredAt, last.id]) : null,
      };
    });
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
