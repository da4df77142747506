import type { CommandMetadata } from '@causeway/domain';
import { WrongExpectedVersionError, type EventShape, type EventStore, type NewEvent, type StoredEvent } from '@causeway/event-store';
import { fold, type Aggregate, type AnyDomainEvent } from './aggregate';
import type { Clock } from './clock.port';
import { ConcurrencyExhaustedError, VersionConflictError } from './errors';
import { newId } from './ids';
import { eventIdFor, findReplay } from './replay-finder';
import { StateCache, type FoldedState } from './state-cache';
import { StreamTurns } from './stream-turns';

/** Who asks, and how: everything about a command that is not the command itself. */
export interface CommandContext {
  readonly actor: string;
  /** The client's If-Match: the stream version it saw. Mismatch → VersionConflictError, nothing written. */
  readonly expectedVersion?: number;
  /**
   * Makes event ids deterministic (`<seed>:<index>`): a retried command whose first attempt reached
   * the log is recognised and not applied twice.
   */
  readonly idempotencySeed?: string;
  readonly correlationId?: string;
}

/**
 * The stream's version and folded state as a read model last saw them. The first attempt decides
 * on them without reading the stream; if the stream has moved on since, the append's version check
 * refuses it and the command runs again the normal way. For high-volume system commands (overdue
 * marking) whose read model is almost always current.
 */
export interface AssumedState<State> {
  readonly version: number;
  readonly state: State;
}

export interface CommandResult<State> {
  readonly streamId: string;
  /** Stream version after the command. */
  readonly version: number;
  /** Global position of the command's last event (what read-your-writes waits for). */
  readonly position: number;
  readonly state: State;
  readonly events: readonly NewEvent<EventShape>[];
  /** True when this was a replay of a command already in the log: nothing new was written. */
  readonly replayed: boolean;
}

/** The state a command decides on, and where it came from. */
interface Current<State> extends FoldedState<State> {
  /** Taken from a read model: not cached, the next command reads the stream itself. */
  readonly assumed: boolean;
  /** Set when the seeded command is already in the stream: the position its first run answered. */
  readonly replayedAt: number | null;
}

/** Without If-Match, writers to one stream are serialised by retrying on conflict (docs/api.md, section 4). */
const MAX_ATTEMPTS = 50;

/**
 * The whole write path: read the stream, fold `evolve`, `decide`, append with the version read as
 * the expected version. Pure rules stay in the decider; this only does I/O and retries.
 */
export class CommandHandler {
  private readonly states = new StateCache();
  private readonly turns = new StreamTurns();

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  handle<Command extends { readonly metadata: CommandMetadata }, Event extends AnyDomainEvent, State>(
    aggregate: Aggregate<Command, Event, State>,
    streamId: string,
    buildCommand: (metadata: CommandMetadata) => Command,
    context: CommandContext,
    assumed?: AssumedState<State>,
  ): Promise<CommandResult<State>> {
    return this.turns.run(streamId, () => this.run(aggregate, streamId, buildCommand, context, assumed));
  }

  private async run<Command extends { readonly metadata: CommandMetadata }, Event extends AnyDomainEvent, State>(
    aggregate: Aggregate<Command, Event, State>,
    streamId: string,
    buildCommand: (metadata: CommandMetadata) => Command,
    context: CommandContext,
    assumed: AssumedState<State> | undefined,
  ): Promise<CommandResult<State>> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      // Read and fold.
      const current =
        attempt === 1 && assumed !== undefined && assumed.version > 0
          ? { ...assumed, position: 0, assumed: true, replayedAt: null }
          : await this.read(aggregate, streamId, context.idempotencySeed);
      const { version, position, state } = current;
      if (current.replayedAt !== null) return { streamId, version, position: current.replayedAt, state, events: [], replayed: true };
      if (context.expectedVersion !== undefined && context.expectedVersion !== version) {
        throw new VersionConflictError(context.expectedVersion, version);
      }

      // Decide.
      const decided = aggregate.decide(buildCommand({ actor: context.actor, now: this.clock.now().toISOString() }), state);
      const events = decided.map((event, index) => toNewEvent(event, index, context));
      if (events.length === 0) return { streamId, version, position, state, events, replayed: false };

      // Append, expecting the version read.
      try {
        const result = await this.store.append(streamId, events, { expectedVersion: version === 0 ? 'no_stream' : version });
        const next = decided.reduce(aggregate.evolve, state);
        if (!result.duplicate && !current.assumed) this.states.remember(streamId, { version: result.nextVersion, position: result.lastPosition, state: next });
        return { streamId, version: result.nextVersion, position: result.lastPosition, state: next, events, replayed: result.duplicate };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        if (context.expectedVersion !== undefined) throw new VersionConflictError(context.expectedVersion, error.actual);
        // Another process won this version: back off a little (jittered) so contenders spread out.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));
      }
    }
    throw new ConcurrencyExhaustedError(streamId, MAX_ATTEMPTS);
  }

  /**
   * The stream folded to its current version. Under an idempotency seed a retry must see its own
   * earlier event ids, so it reads the whole stream instead of starting from the cached state;
   * otherwise only the events appended since the cached state are read.
   */
  private async read<Command, Event extends AnyDomainEvent, State>(
    aggregate: Aggregate<Command, Event, State>,
    streamId: string,
    seed: string | undefined,
  ): Promise<Current<State>> {
    const cached = seed === undefined ? this.states.get<State>(streamId) : undefined;
    const from = cached ?? { version: 0, position: 0, state: aggregate.initialState() };
    const newer = await this.store.readStream(streamId, { fromVersion: from.version + 1, eventTypes: aggregate.eventTypes });
    const folded = newer.length === 0 ? from : this.remember(streamId, from, aggregate, newer);
    return { ...folded, assumed: false, replayedAt: seed === undefined ? null : findReplay(seed, newer) };
  }

  private remember<Command, Event extends AnyDomainEvent, State>(
    streamId: string,
    from: FoldedState<State>,
    aggregate: Aggregate<Command, Event, State>,
    newer: readonly StoredEvent<Event>[],
  ): FoldedState<State> {
    const last = newer[newer.length - 1];
    const folded = { version: last.version, position: last.position, state: fold(aggregate, newer, from.state) };
    this.states.remember(streamId, folded);
    return folded;
  }
}

function toNewEvent<Event extends AnyDomainEvent>(event: Event, index: number, context: CommandContext): NewEvent<Event> {
  return {
    id: context.idempotencySeed ? eventIdFor(context.idempotencySeed, index) : newId(),
    ...event,
    metadata: {
      actor: context.actor,
      occurredAt: event.data.occurredAt,
      ...(context.correlationId ? { correlationId: context.correlationId } : {}),
    },
  };
}
