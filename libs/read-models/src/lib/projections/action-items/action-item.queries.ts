import type { OverdueCandidate, OverdueCandidates } from '@causeway/application';
import {
  ACTIVE_ACTION_ITEM_STATUSES,
  FINISHED_ACTION_ITEM_STATUSES,
  type ActionItemKind,
  type ActionItemPriority,
  type ActionItemStatus,
  type Severity,
} from '@causeway/domain';
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { isActiveStatus, type ActionItemRow } from './action-items.projection';
import {
  ActionItemEntity,
  ActionItemVersionEntity,
  fromActionItemEntity,
  hydrateActionItem,
  statusInSql,
  UNFLAGGED_ACTIVE_SQL,
} from './action-item.entity';
import { storedTime } from '../../storage/column-types';
import { withConnectionLock } from '../../storage/connection-lock';
import { IncidentSummaryEntity } from '../incident-summary/incident-summary.entity';
import { decodeCursor, encodeCursor, pageSize, type Page } from '../../queries/cursor';

export interface ListActionItemsFilter {
  readonly owner?: string;
  readonly team?: string;
  readonly incidentId?: string;
  readonly status?: ActionItemStatus;
  readonly priority?: ActionItemPriority;
  /** Due strictly before this instant (ISO-8601 UTC). */
  readonly dueBefore?: string;
  /** true: open or in progress and past due; false: everything else. */
  readonly overdue?: boolean;
  readonly limit?: number;
  readonly cursor?: string | null;
}

export interface OverdueFilter {
  readonly owner?: string;
  readonly team?: string;
  /** The incident's service. */
  readonly service?: string;
  /** The incident's severity (on an `asOf` board: its severity at that time). */
  readonly severity?: Severity;
  readonly limit?: number;
  readonly cursor?: string | null;
}

/** One line of the overdue board. */
export interface OverdueBoardItem {
  readonly id: string;
  readonly incidentId: string;
  readonly title: string;
  readonly owner: string;
  readonly team: string | null;
  readonly priority: ActionItemPriority;
  readonly kind: ActionItemKind;
  readonly status: ActionItemStatus;
  readonly dueAt: string;
  /** Whole seconds between the due date and the board's moment. */
  readonly overdueBy: number;
  /** The incident it follows up, with its severity at the board's moment. */
  readonly incident: BoardIncident | null;
}

export interface BoardIncident {
  readonly title: string;
  readonly service: string;
  readonly severity: Severity;
}

export interface ActionItemCounts {
  /** Open or in progress. */
  readonly open: number;
  /** Open or in progress and past due. */
  readonly overdue: number;
}

const ACTIVE = (alias: string) => statusInSql(ACTIVE_ACTION_ITEM_STATUSES, alias);

const FINISHED = (alias: string) => statusInSql(FINISHED_ACTION_ITEM_STATUSES, alias);

const LIST = 'action-items';
const BOARD = 'overdue-board';

/**
 * The action-item lists. Every list is in due-date order (soonest first; on the overdue board that
 * is most overdue first) with a keyset cursor on (dueAt, id), served by the composite indexes of
 * `ActionItemEntity`. "Now" is a parameter: the caller's clock decides what is overdue.
 */
export class ActionItemQueries implements OverdueCandidates {
  constructor(private readonly dataSource: DataSource) {}

  /** `GET /action-items`; throws `InvalidCursorError`. */
  async list(filter: ListActionItemsFilter, now: string): Promise<Page<ActionItemRow>> {
    const limit = pageSize(filter.limit);
    const after = filter.cursor ? decodeCursor(LIST, filter.cursor, ['string', 'string'] as const) : null;
    return withConnectionLock(this.dataSource, async () => {
      const select = this.dataSource.getRepository(ActionItemEntity).createQueryBuilder('a');
      const equal = { owner: filter.owner, team: filter.team, incidentId: filter.incidentId, status: filter.status, priority: filter.priority } as const;
      // Names the partial index that holds the status, so the planner can read it in due-date order.
      if (filter.status !== undefined) select.andWhere(isActiveStatus(filter.status) ? ACTIVE('a') : FINISHED('a'));
      for (const [property, value] of Object.entries(equal)) {
        if (value !== undefined) select.andWhere(`a.${property} = :${property}`, { [property]: value });
      }
      if (filter.dueBefore !== undefined) select.andWhere('a.dueAt < :dueBefore', { dueBefore: filter.dueBefore });
      if (filter.overdue === true) select.andWhere(`${ACTIVE('a')} AND a.dueAt < :now`, { now });
      if (filter.overdue === false) select.andWhere(`NOT (${ACTIVE('a')} AND a.dueAt < :now)`, { now });
      if (after !== null) select.andWhere('(a.dueAt, a.id) > (:afterDueAt, :afterId)', { afterDueAt: after[0], afterId: after[1] });
      const rows = await select.orderBy('a.dueAt', 'ASC').addOrderBy('a.id', 'ASC').limit(limit + 1).getMany();
      const items = rows.slice(0, limit).map(fromActionItemEntity);
      return { items, nextCursor: nextCursor(LIST, rows.length > limit, items.at(-1)) };
    });
  }

  /** The live overdue board at `now`, from the current rows; throws `InvalidCursorError`. */
  async overdue(filter: OverdueFilter, now: string): Promise<Page<OverdueBoardItem>> {
    const limit = pageSize(filter.limit);
    const after = filter.cursor ? decodeCursor(BOARD, filter.cursor, ['string', 'string'] as const) : null;
    return withConnectionLock(this.dataSource, async () => {
      const select = this.dataSource
        .getRepository(ActionItemEntity)
        .createQueryBuilder('a')
        .where(`${ACTIVE('a')} AND a.dueAt < :now`, { now });
      if (filter.owner !== undefined) select.andWhere('a.owner = :owner', { owner: filter.owner });
      if (filter.team !== undefined) select.andWhere('a.team = :team', { team: filter.team });
      this.incidentFilter(select, 'a.incidentId', filter);
      if (after !== null) select.andWhere('(a.dueAt, a.id) > (:afterDueAt, :afterId)', { afterDueAt: after[0], afterId: after[1] });
      const rows = await select.orderBy('a.dueAt', 'ASC').addOrderBy('a.id', 'ASC').limit(limit + 1).getMany();
      const page = rows.slice(0, limit).map(fromActionItemEntity);
      const incidents = await this.incidentsOf(page.map((row) => row.incidentId), null);
      const items = page.map((row) => boardItem(row, now, incidents.get(row.incidentId) ?? null));
      return { items, nextCursor: nextCursor(BOARD, rows.length > limit, items.at(-1)) };
    });
  }

  /**
   * The overdue board as the log stood at `asOf`: the stretches of `action_item_versions` valid at
   * that moment that were active and past due then. The severity filter uses each incident's
   * severity at that moment (its last declaration or severity change recorded by then).
   */
  async overdueAsOf(filter: OverdueFilter, asOf: string): Promise<Page<OverdueBoardItem>> {
    const limit = pageSize(filter.limit);
    const after = filter.cursor ? decodeCursor(`${BOARD}@${asOf}`, filter.cursor, ['string', 'string'] as const) : null;
    return withConnectionLock(this.dataSource, async () => {
      const select = this.dataSource
        .getRepository(ActionItemVersionEntity)
        .createQueryBuilder('v')
        .innerJoin(ActionItemEntity, 'a', 'a.id = v.actionItemId')
        .select(['v.actionItemId', 'v.incidentId', 'v.owner', 'v.team', 'v.status', 'v.dueAt'])
        .addSelect(['a.title', 'a.priority', 'a.kind'])
        .where(`${ACTIVE('v')} AND v.dueAt < :asOf AND v.validFrom <= :asOf AND (v.validTo IS NULL OR v.validTo > :asOf)`, { asOf });
      if (filter.owner !== undefined) select.andWhere('v.owner = :owner', { owner: filter.owner });
      if (filter.team !== undefined) select.andWhere('v.team = :team', { team: filter.team });
      this.incidentFilter(select, 'v.incidentId', { service: filter.service });
      if (filter.severity !== undefined) {
        select.andWhere(`(${this.severityAt('v.incident_id')}) = :severity`, { severity: filter.severity });
      }
      if (after !== null) select.andWhere('(v.dueAt, v.actionItemId) > (:afterDueAt, :afterId)', { afterDueAt: after[0], afterId: after[1] });
      const raw: Record<string, unknown>[] = await select.orderBy('v.dueAt', 'ASC').addOrderBy('v.actionItemId', 'ASC').limit(limit + 1).getRawMany();
      const incidents = await this.incidentsOf(raw.slice(0, limit).map((row) => row['v_incident_id'] as string), asOf);
      const items = raw.slice(0, limit).map((row): OverdueBoardItem => {
        const dueAt = storedTime(row['v_due_at'] as string | Date);
        return {
          id: row['v_action_item_id'] as string,
          incidentId: row['v_incident_id'] as string,
          title: row['a_title'] as string,
          owner: row['v_owner'] as string,
          team: (row['v_team'] as string | null) ?? null,
          priority: row['a_priority'] as ActionItemPriority,
          kind: row['a_kind'] as ActionItemKind,
          status: row['v_status'] as ActionItemStatus,
          dueAt,
          overdueBy: secondsBetween(dueAt, asOf),
          incident: incidents.get(row['v_incident_id'] as string) ?? null,
        };
      });
      return { items, nextCursor: nextCursor(`${BOARD}@${asOf}`, raw.length > limit, items.at(-1)) };
    });
  }

  /** Open and overdue counts per incident at `now` (incidents without items are absent). */
  async countsFor(incidentIds: readonly string[], now: string): Promise<Map<string, ActionItemCounts>> {
    if (incidentIds.length === 0) return new Map();
    return withConnectionLock(this.dataSource, async () => {
      const rows: { incidentId: string; open: string | number; overdue: string | number }[] = await this.dataSource
        .getRepository(ActionItemEntity)
        .createQueryBuilder('a')
        .select('a.incidentId', 'incidentId')
        .addSelect(`SUM(CASE WHEN ${ACTIVE('a')} THEN 1 ELSE 0 END)`, 'open')
        .addSelect(`SUM(CASE WHEN ${ACTIVE('a')} AND a.dueAt < :now THEN 1 ELSE 0 END)`, 'overdue')
        .where('a.incidentId IN (:...incidentIds)', { incidentIds: [...incidentIds] })
        .setParameter('now', now)
        .groupBy('a.incidentId')
        .getRawMany();
      return new Map(rows.map((row) => [row.incidentId, { open: Number(row.open), overdue: Number(row.overdue) }]));
    });
  }

  /** Open and overdue counts of one incident as the log stood at `asOf`. */
  async countsAsOf(incidentId: string, asOf: string): Promise<ActionItemCounts> {
    return withConnectionLock(this.dataSource, async () => {
      const row: { open: string | number | null; overdue: string | number | null } | undefined = await this.dataSource
        .getRepository(ActionItemVersionEntity)
        .createQueryBuilder('v')
        .select(`SUM(CASE WHEN ${ACTIVE('v')} THEN 1 ELSE 0 END)`, 'open')
        .addSelect(`SUM(CASE WHEN ${ACTIVE('v')} AND v.dueAt < :asOf THEN 1 ELSE 0 END)`, 'overdue')
        .where('v.incidentId = :incidentId AND v.validFrom <= :asOf AND (v.validTo IS NULL OR v.validTo > :asOf)', { incidentId, asOf })
        .getRawOne();
      return { open: Number(row?.open ?? 0), overdue: Number(row?.overdue ?? 0) };
    });
  }

  /**
   * For the overdue scheduler: active items past due at `now` that have no `ActionItemBecameOverdue`
   * for their current due date yet, oldest due first (a partial index holds exactly these).
   */
  dueForOverdue(now: string, limit: number): Promise<OverdueCandidate[]> {
    const [first, second] = this.placeholders();
    return withConnectionLock(this.dataSource, async () => {
      const raw: Record<string, unknown>[] = await this.dataSource.query(
        `SELECT * FROM ${this.unflaggedItems()} WHERE ${UNFLAGGED_ACTIVE_SQL} AND due_at <= ${first} ORDER BY due_at, id LIMIT ${second}`,
        [now, limit],
      );
      return raw.map((row) => {
        const item = fromActionItemEntity(hydrateActionItem(this.dataSource, row));
        return { id: item.id, dueAt: item.dueAt, seen: { version: item.version, state: item } };
      });
    });
  }

  /** The earliest due date after `now` among active items not yet marked: when the scheduler should next look. */
  nextDueAfter(now: string): Promise<string | null> {
    const [first] = this.placeholders();
    return withConnectionLock(this.dataSource, async () => {
      const rows: { due_at: string | Date }[] = await this.dataSource.query(
        `SELECT due_at FROM ${this.unflaggedItems()} WHERE ${UNFLAGGED_ACTIVE_SQL} AND due_at > ${first} ORDER BY due_at LIMIT 1`,
        [now],
      );
      return rows.length > 0 ? storedTime(rows[0].due_at) : null;
    });
  }

  /**
   * The table as the scheduler's queries read it. SQLite is told the index: after a rebuild
   * re-creates the indexes it has no statistics, and it then walks the index of every active item
   * (all those already marked included) instead of this one.
   */
  private unflaggedItems(): string {
    return this.postgres() ? 'action_items' : 'action_items INDEXED BY idx_action_items_unflagged_due_at_id';
  }

  private placeholders(): [string, string] {
    return this.postgres() ? ['$1', '$2'] : ['?', '?'];
  }

  private postgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  /** Title, service and severity (now, or as of `asOf`) of the incidents of a board page. */
  private async incidentsOf(ids: readonly string[], asOf: string | null): Promise<Map<string, BoardIncident>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const select = this.dataSource
      .getRepository(IncidentSummaryEntity)
      .createQueryBuilder('i')
      .select('i.id', 'id')
      .addSelect('i.title', 'title')
      .addSelect('i.service', 'service')
      .addSelect(asOf === null ? 'i.severity' : `(${this.severityAt('i.id')})`, 'severity')
      .where('i.id IN (:...ids)', { ids: unique });
    if (asOf !== null) select.setParameter('asOf', asOf);
    const rows: { id: string; title: string; service: string; severity: Severity | null }[] = await select.getRawMany();
    return new Map(rows.filter((row) => row.severity !== null).map((row) => [row.id, { title: row.title, service: row.service, severity: row.severity as Severity }]));
  }

  /** Filters on the incident's current service and severity (declared once; severity is live). */
  private incidentFilter<T extends object>(select: SelectQueryBuilder<T>, incidentColumn: string, filter: Pick<OverdueFilter, 'service' | 'severity'>): void {
    if (filter.service === undefined && filter.severity === undefined) return;
    const incident = select
      .subQuery()
      .select('1')
      .from(IncidentSummaryEntity, 'i')
      .where(`i.id = ${incidentColumn}`);
    if (filter.service !== undefined) incident.andWhere('i.service = :service');
    if (filter.severity !== undefined) incident.andWhere('i.severity = :severity');
    select.andWhere(`EXISTS ${incident.getQuery()}`, { service: filter.service, severity: filter.severity });
  }

  /** SQL for an incident's severity at `:asOf`, from its timeline (declaration or severity change). */
  private severityAt(incidentColumn: string): string {
    const field = (name: string) => (this.postgres() ? `t.data->>'${name}'` : `json_extract(t.data, '$.${name}')`);
    return `SELECT CASE t.type WHEN 'IncidentDeclared' THEN ${field('severity')} ELSE ${field('to')} END
      FROM timeline_entries t
      WHERE t.incident_id = ${incidentColumn} AND t.type IN ('IncidentDeclared', 'IncidentSeverityChanged') AND t.recorded_at <= :asOf
      ORDER BY t.position DESC LIMIT 1`;
  }
}

function boardItem(row: ActionItemRow, now: string, incident: BoardIncident | null): OverdueBoardItem {
  return {
    id: row.id,
    incidentId: row.incidentId,
    title: row.title,
    owner: row.owner,
    team: row.team,
    priority: row.priority,
    kind: row.kind,
    status: row.status,
    dueAt: row.dueAt,
    overdueBy: secondsBetween(row.dueAt, now),
    incident,
  };
}

function secondsBetween(from: string, to: string): number {
  return Math.floor((Date.parse(to) - Date.parse(from)) / 1000);
}

function nextCursor(list: string, more: boolean, last: { dueAt: string; id: string } | undefined): string | null {
  return more && last !== undefined ? encodeCursor(list, [last.dueAt, last.id]) : null;
}
