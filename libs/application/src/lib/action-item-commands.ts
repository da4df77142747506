import {
  actionItemStreamId,
  incidentStreamId,
  NotFoundError,
  type ActionItem,
  type ActionItemCommand,
  type ActionItemEvent,
  type ActionItemState,
  type CreateActionItem,
  type MarkActionItemOverdue,
} from '@causeway/domain';
import type { EventStore, StoredEvent } from '@causeway/event-store';
import { actionItemAggregate, fold, incidentAggregate, readEvents } from './aggregate';
import type { CommandContext, CommandHandler, CommandResult } from './command-handler';
import { deterministicId, newId } from './ids';

/** Who the log names as the author of overdue events. */
export const OVERDUE_SCHEDULER_ACTOR = 'system:overdue-scheduler';

/** What a caller sends to create an action item; the ids and the incident status are filled in here. */
export type CreateActionItemInput = Omit<CreateActionItem['data'], 'actionItemId' | 'incidentId' | 'incidentStatus'>;

type WithoutMetadata<C> = C extends unknown ? Omit<C, 'metadata'> : never;
/** The commands on an existing item a person may send (overdue marking is the scheduler's). */
export type ActionItemCommandInput = WithoutMetadata<Exclude<ActionItemCommand, CreateActionItem | MarkActionItemOverdue>>;

export interface ActionItemCommandResult extends CommandResult<ActionItemState> {
  readonly actionItemId: string;
}

/** The action item as folded from its stream, with the stream version (the resource's ETag). */
export interface LoadedActionItem {
  readonly state: ActionItemState;
  readonly version: number;
  /** The stored events, oldest first, checked as the item's own: the history needs each one's actor. */
  readonly events: readonly StoredEvent<ActionItemEvent>[];
}

/**
 * Application service for action items (stream `action-item-<id>`). The decider sees only the
 * item's stream, so creation reads the incident's current status here and passes it in.
 */
export class ActionItemCommands {
  constructor(
    private readonly handler: CommandHandler,
    private readonly store: EventStore,
  ) {}

  async create(incidentId: string, input: CreateActionItemInput, context: CommandContext): Promise<ActionItemCommandResult> {
    const incident = fold(incidentAggregate, await readEvents(this.store, incidentAggregate, incidentStreamId(incidentId)));
    if (incident === null) throw new NotFoundError(`Incident ${incidentId} does not exist`);
    // Under an Idempotency-Key the new item's id is derived from it, so a retry after a crash finds
    // the same stream instead of creating a second item.
    const actionItemId = context.idempotencySeed ? deterministicId(`${context.idempotencySeed}:action-item`) : newId();
    const result = await this.handler.handle(
      actionItemAggregate,
      actionItemStreamId(actionItemId),
      (metadata) => ({
        type: 'CreateActionItem' as const,
        data: { ...input, actionItemId, incidentId, incidentStatus: incident.status },
        metadata,
      }),
      context,
    );
    return { ...result, actionItemId };
  }

  async execute(actionItemId: string, input: ActionItemCommandInput, context: CommandContext): Promise<ActionItemCommandResult> {
    const result = await this.handler.handle(
      actionItemAggregate,
      actionItemStreamId(actionItemId),
      (metadata) => ({ ...input, metadata }) as ActionItemCommand,
      context,
    );
    return { ...result, actionItemId };
  }

  /**
   * The overdue scheduler's command. The idempotency seed is the (item, due date) pair, so every
   * process and every retry that marks the same due date produces the same event id. `seen` is the
   * item as the read model holds it: deciding on it saves reading the stream, and a stale one only
   * costs a retry (the append's version check).
   */
  async markOverdue(actionItemId: string, dueAt: string, seen?: { readonly version: number; readonly state: ActionItem }): Promise<ActionItemCommandResult> {
    const result = await this.handler.handle(
      actionItemAggregate,
      actionItemStreamId(actionItemId),
      (metadata) => ({ type: 'MarkActionItemOverdue' as const, data: { dueAt }, metadata }),
      { actor: OVERDUE_SCHEDULER_ACTOR, idempotencySeed: `action-item-overdue:${actionItemId}:${dueAt}` },
      seen,
    );
    return { ...result, actionItemId };
  }

  /** Folds the item's stream: always current, no read model involved. */
  async load(actionItemId: string): Promise<LoadedActionItem> {
    const events = await readEvents(this.store, actionItemAggregate, actionItemStreamId(actionItemId));
    return { state: fold(actionItemAggregate, events), version: events.at(-1)?.version ?? 0, events };
  }
}
