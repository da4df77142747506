import {
  DEFAULT_CAUSE_CATEGORIES,
  incidentStreamId,
  NotFoundError,
  rcaStreamId,
  type CauseCategory,
  type RcaCommand,
  type RcaState,
  type SaveRcaDraft,
} from '@causeway/domain';
import type { EventStore } from '@causeway/event-store';
import { fold, incidentAggregate, rcaAggregate, readEvents } from './aggregate';
import type { CommandContext, CommandHandler, CommandResult } from './command-handler';

/** Injection token of the configured cause taxonomy (`GET /rca/categories`, validation of saves). */
export const CAUSE_CATEGORIES = Symbol('CAUSE_CATEGORIES');

/** The taxonomy used while none is configured. */
export const defaultCauseCategories = (): readonly CauseCategory[] => DEFAULT_CAUSE_CATEGORIES;

/** What an author sends to save the draft; the incident status and taxonomy are filled in here. */
export type SaveRcaDraftInput = Omit<SaveRcaDraft['data'], 'incidentId' | 'incidentStatus' | 'categories'>;

type WithoutMetadata<C> = C extends unknown ? Omit<C, 'metadata'> : never;
/** The workflow commands (everything but the save). */
export type RcaWorkflowInput = WithoutMetadata<Exclude<RcaCommand, SaveRcaDraft>>;

export interface RcaCommandResult extends CommandResult<RcaState> {
  readonly incidentId: string;
}

/** The RCA as folded from its stream, with the stream version (the resource's ETag). */
export interface LoadedRca {
  readonly state: RcaState;
  readonly version: number;
}

/**
 * Application service for an incident's RCA (stream `rca-<incidentId>`). The decider sees only the
 * RCA stream, so the save reads the incident's current status here and passes it in.
 */
export class RcaCommands {
  private readonly categoryIds: readonly string[];

  constructor(
    private readonly handler: CommandHandler,
    private readonly store: EventStore,
    readonly categories: readonly CauseCategory[] = DEFAULT_CAUSE_CATEGORIES,
  ) {
    this.categoryIds = categories.map((category) => category.id);
  }

  async save(incidentId: string, input: SaveRcaDraftInput, context: CommandContext): Promise<RcaCommandResult> {
    const incident = fold(incidentAggregate, await readEvents(this.store, incidentAggregate, incidentStreamId(incidentId)));
    if (incident === null) throw new NotFoundError(`Incident ${incidentId} does not exist`);
    const result = await this.handler.handle(
      rcaAggregate,
      rcaStreamId(incidentId),
      (metadata) => ({
        type: 'SaveRcaDraft' as const,
        data: { ...input, incidentId, incidentStatus: incident.status, categories: this.categoryIds },
        metadata,
      }),
      context,
    );
    return { ...result, incidentId };
  }

  async execute(incidentId: string, input: RcaWorkflowInput, context: CommandContext): Promise<RcaCommandResult> {
    const result = await this.handler.handle(rcaAggregate, rcaStreamId(incidentId), (metadata) => ({ ...input, metadata }) as RcaCommand, context);
    return { ...result, incidentId };
  }

  /** Folds the RCA stream: always current, no read model involved. */
  async load(incidentId: string): Promise<LoadedRca> {
    const stored = await readEvents(this.store, rcaAggregate, rcaStreamId(incidentId));
    return { state: fold(rcaAggregate, stored), version: stored.at(-1)?.version ?? 0 };
  }
}
