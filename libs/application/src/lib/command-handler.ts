import type { Decider, DomainEvent } from '@causeway/domain';
import { WrongExpectedVersionError, type EventStore, type JsonObject, type NewEvent, type StoredEvent } from '@causeway/event-store';
import type { Clock } from './clock.port';
import { ConcurrencyExhaustedError, VersionConflictError } from './errors';
import { deterministicId, newId } from './ids';

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
  /**
   * The stream's version and folded state as a read model last saw them. The first attempt decides
   * on them without reading the stream; if the stream has moved on since, the append's version
   * check refuses it and the command runs again the normal way. For high-volume system commands
   * (overdue marking) whose read model is almost always current. The state must be the decider's
   * own state type.
   */
  readonly assumed?: { readonly version: number; readonly state: unknown };
}

export interface CommandResult<State> {
  readonly streamId: string;
  /** Stream version after the command. */
  readonly version: number;
  /** Global position of the command's last event (what read-your-writes waits for). */
  readonly position: number;
  readonly state: State;
  readonly events: readonly NewEvent[];
  /** True when this was a replay of a command already in the log: nothing new was written. */
  readonly replayed: boolean;
}

type AnyDomainEvent = DomainEvent<string, { readonly occurredAt: string }>;

/** Without If-Match, writers to one stream are serialised by retrying on conflict (API.md). */
const MAX_ATTEMPTS = 50;
/** Streams whose folded state is kept between commands (least recently used are dropped). */
const STATE_CACHE_SIZE = 10_000;

interface CachedState {
  readonly version: number;
  readonly position: number;
  readonly state: unknown;
}

/**
 * The whole write path: read the stream, fold `evolve`, `decide`, append with the version read as
 * the expected version. Pure rules stay in the decider; this only does I/O and retries.
 */
export class CommandHandler {
  /**
   * Folded state per stream, so a command reads only the events appended since (by any process)
   * instead of the whole stream. States are immutable values, so sharing them is safe.
   */
  private readonly states = new Map<string, CachedState>();
  /** Commands on one stream in this process wait their turn instead of racing to conflict. */
  private readonly turns = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  async handle<Command extends { readonly metadata: { actor: string; now: string } }, Event extends AnyDomainEvent, State>(
    decider: Decider<Command, Event, State>,
    streamId: string,
    buildCommand: (metadata: { actor: string; now: string }) => Command,
    context: CommandContext,
  ): Promise<CommandResult<State>> {
    // Serialising per stream inside the process turns N concurrent writers into a queue instead of
    // N-1 conflicts per round; writers in other processes are still handled by retrying.
    const previous = this.turns.get(streamId) ?? Promise.resolve();
    const turn = previous.then(() => this.attempt(decider, streamId, buildCommand, context));
    const settled = turn.catch(() => undefined);
    this.turns.set(streamId, settled);
    void settled.then(() => {
      if (this.turns.get(streamId) === settled) this.turns.delete(streamId);
    });
    return turn;
  }

  private async attempt<Command extends { readonly metadata: { actor: string; now: string } }, Event extends AnyDomainEvent, State>(
    decider: Decider<Command, Event, State>,
    streamId: string,
    buildCommand: (metadata: { actor: string; now: string }) => Command,
    context: CommandContext,
  ): Promise<CommandResult<State>> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      // Under an idempotency seed a retry must see its own earlier event ids, so it reads the whole
      // stream once instead of the cached state; otherwise only the events since the cached state.
      let loaded: { version: number; state: State; position: number };
      const assumed = attempt === 1 && context.assumed !== undefined && context.assumed.version > 0 ? context.assumed : undefined;
      if (assumed) {
        loaded = { version: assumed.version, state: assumed.state as State, position: 0 };
      } else if (context.idempotencySeed) {
        const whole = await this.loadWhole(decider, streamId);
        const replay = this.findReplay(context.idempotencySeed, streamId, whole.stored, whole.state);
        if (replay) return replay;
        loaded = whole;
      } else {
        loaded = await this.load(decider, streamId);
      }
      const { version, state, position } = loaded;
      if (context.expectedVersion !== undefined && context.expectedVersion !== version) {
        throw new VersionConflictError(context.expectedVersion, version);
      }

      const now = this.clock.now().toISOString();
      const decided = decider.decide(buildCommand({ actor: context.actor, now }), state);
      const events = decided.map((event, index) => this.toNewEvent(event, index, context));
      if (events.length === 0) {
        return { streamId, version, position, state, events, replayed: false };
      }
      try {
        const result = await this.store.append(streamId, events, { expectedVersion: version === 0 ? 'no_stream' : version });
        const next = decided.reduce(decider.evolve, state);
        // A state taken from a read model is not cached: the next command reads the stream itself.
        if (!result.duplicate && !assumed) this.remember(streamId, { version: result.nextVersion, position: result.lastPosition, state: next });
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

  private async load<Command, Event extends AnyDomainEvent, State>(
    decider: Decider<Command, Event, State>,
    streamId: string,
  ): Promise<{ version: number; state: State; position: number }> {
    const cached = this.states.get(streamId);
    const from = cached ? { version: cached.version, state: cached.state as State, position: cached.position } : { version: 0, state: decider.initialState(), position: 0 };
    const newer = await this.store.readStream(streamId, { fromVersion: from.version + 1 });
    if (newer.length === 0) return from;
    const loaded = {
      version: newer[newer.length - 1].version,
      position: newer[newer.length - 1].position,
      state: newer.reduce((state, event) => decider.evolve(state, toDomainEvent<Event>(event)), from.state),
    };
    this.remember(streamId, loaded);
    return loaded;
  }

  private async loadWhole<Command, Event extends AnyDomainEvent, State>(
    decider: Decider<Command, Event, State>,
    streamId: string,
  ): Promise<{ version: number; state: State; position: number; stored: readonly StoredEvent[] }> {
    const stored = await this.store.readStream(streamId);
    const loaded = { version: stored.length, state: fold(decider, stored), position: stored.at(-1)?.position ?? 0 };
    if (stored.length > 0) this.remember(streamId, loaded);
    return { ...loaded, stored };
  }

  private remember(streamId: string, entry: CachedState): void {
    this.states.delete(streamId);
    this.states.set(streamId, entry);
    if (this.states.size > STATE_CACHE_SIZE) this.states.delete(this.states.keys().next().value as string);
  }

  /** A command whose first event id is already in this stream was applied before: answer as then. */
  private findReplay<State>(seed: string, streamId: string, stored: readonly StoredEvent[], state: State): CommandResult<State> | null {
    const positions = new Map(stored.map((event) => [event.id, event.position]));
    let last: number | undefined;
    for (let index = 0; positions.has(deterministicId(`${seed}:${index}`)); index++) {
      last = positions.get(deterministicId(`${seed}:${index}`));
    }
    if (last === undefined) return null;
    return { streamId, version: stored.length, position: last, state, events: [], replayed: true };
  }

  private toNewEvent(event: AnyDomainEvent, index: number, context: CommandContext): NewEvent {
    return {
      id: context.idempotencySeed ? deterministicId(`${context.idempotencySeed}:${index}`) : newId(),
      type: event.type,
      data: event.data as unknown as JsonObject,
      metadata: {
        actor: context.actor,
        occurredAt: event.data.occurredAt,
        ...(context.correlationId ? { correlationId: context.correlationId } : {}),
      },
    };
  }
}

/** Folds stored events into state with the decider's own evolve. */
export function fold<Command, Event extends AnyDomainEvent, State>(
  decider: Decider<Command, Event, State>,
  stored: readonly StoredEvent[],
): State {
  return stored.reduce((state, event) => decider.evolve(state, toDomainEvent<Event>(event)), decider.initialState());
}

export function toDomainEvent<Event extends AnyDomainEvent>(event: StoredEvent): Event {
  return { type: event.type, data: event.data } as unknown as Event;
}
