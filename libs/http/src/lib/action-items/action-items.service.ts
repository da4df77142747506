import { Inject, Injectable } from '@nestjs/common';
import {
  ActionItemCommands,
  actionItemEventsOf,
  CLOCK,
  type ActionItemCommandInput,
  type ActionItemCommandResult,
  type Clock,
  type CommandContext,
  type CreateActionItemInput,
} from '@causeway/application';
import { actionItemHistory, type ActionItem } from '@causeway/domain';
import { Projector } from '@causeway/read-models';
import { Problem } from '../problem/problem';
import { toActionItemHistoryResource, toActionItemResource, type ActionItemHistoryResource, type ActionItemResource } from './action-item.resource';

/** How long a command waits for its events to reach the timeline before answering. */
const READ_YOUR_WRITES_TIMEOUT_MS = 10_000;

/**
 * An action item is read by folding its (short) stream, so a GET always sees the latest write.
 * Commands still wait for the projector, so the incident timeline shows the change once they answer.
 */
@Injectable()
export class ActionItemsService {
  constructor(
    private readonly commands: ActionItemCommands,
    private readonly projector: Projector,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

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
    return toActionItemHistoryResource(item, actionItemHistory(actionItemEventsOf(events)), events, version);
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
