import { Inject, Injectable } from '@nestjs/common';
import {
  ActionItemCommands,
  CLOCK,
  type ActionItemCommandInput,
  type ActionItemCommandResult,
  type Clock,
  type CommandContext,
  type CreateActionItemInput,
} from '@causeway/application';
import { actionItemHistory, type ActionItem } from '@causeway/domain';
import {
  ActionItemQueries,
  MAX_PAGE_SIZE,
  Projector,
  type ActionItemRow,
  type ListActionItemsFilter,
  type OverdueBoardItem,
  type OverdueFilter,
} from '@causeway/read-models';
import type { Page } from '../common/pagination.dto';
import { READ_YOUR_WRITES_TIMEOUT_MS } from '../common/read-your-writes';
import { Problem } from '../problem/problem';
import { toActionItemHistoryResource, toActionItemResource, type ActionItemHistoryResource, type ActionItemResource } from './action-item.resource';

/** The overdue board at one moment: `asOf` says which. */
export interface OverdueBoard extends Page<OverdueBoardItem> {
  readonly asOf: string;
}

/**
 * An action item is read by folding its (short) stream, so a GET always sees the latest write.
 * Commands still wait for the projector, so the incident timeline shows the change once they answer.
 */
@Injectable()
export class ActionItemsService {
  constructor(
    private readonly commands: ActionItemCommands,
    private readonly projector: Projector,
    private readonly queries: ActionItemQueries,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** `GET /action-items`, from the read model; `overdue` is judged at the time of the read. */
  async list(filter: ListActionItemsFilter): Promise<Page<ActionItemResource>> {
    const now = this.clock.now();
    const page = await this.queries.list(filter, now.toISOString());
    return { items: page.items.map((row) => toActionItemResource(row, row.version, now)), nextCursor: page.nextCursor };
  }

  /** Every action item of an incident, in the order they were created (the Markdown report's list). */
  async forIncident(incidentId: string): Promise<ActionItemResource[]> {
    const now = this.clock.now();
    const rows: ActionItemRow[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<ActionItemRow> = await this.queries.list({ incidentId, limit: MAX_PAGE_SIZE, cursor }, now.toISOString());
      rows.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
    rows.sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1));
    return rows.map((row) => toActionItemResource(row, row.version, now));
  }

  /**
   * `GET /action-items/overdue`: now, from the current rows; or at a past `asOf`, from the rows of
   * board history the projection derived from the log (not from today's state).
   */
  async overdue(filter: OverdueFilter, asOf?: string): Promise<OverdueBoard> {
    const now = this.clock.now();
    if (asOf === undefined) {
      const at = now.toISOString();
      return { asOf: at, ...(await this.queries.overdue(filter, at)) };
    }
    const at = new Date(asOf);
    if (at.getTime() > now.getTime()) {
      throw Problem.validation([{ field: 'asOf', message: 'must not be in the future: the log cannot know what will be overdue' }]);
    }
    const iso = at.toISOString();
    return { asOf: iso, ...(await this.queries.overdueAsOf(filter, iso)) };
  }

  async create(incidentId: string, input: CreateActionItemInput, context: CommandContext): Promise<ActionItemResource> {
    return this.resourceAfter(await this.commands.create(incidentId, input, context));
  }

  async execute(actionItemId: string, input: ActionItemCommandInput, context: CommandContext): Promise<ActionItemResource> {
    return this.resourceAfter(await this.commands.execute(actionItemId, input, context));
  }

  async get(actionItemId: string): Promise<ActionItemResource> {
    const { state, version } = await this.commands.load(actionItemId);
    return toActionItemResource(this.existing(actionItemId, state), version, this.clock.now());
  }

  async history(actionItemId: string): Promise<ActionItemHistoryResource> {
    const { state, version, events } = await this.commands.load(actionItemId);
    const item = this.existing(actionItemId, state);
    return toActionItemHistoryResource(item, actionItemHistory(events), events, version);
  }

  private existing(actionItemId: string, state: ActionItem | null): ActionItem {
    if (state === null) throw Problem.notFound(`Action item ${actionItemId} does not exist`);
    return state;
  }

  private async resourceAfter(result: ActionItemCommandResult): Promise<ActionItemResource> {
    if (result.state === null) throw new Error(`Action item command on ${result.actionItemId} left no action item`);
    await this.projector.waitFor(result.position, READ_YOUR_WRITES_TIMEOUT_MS);
    return toActionItemResource(result.state, result.version, this.clock.now());
  }
}
