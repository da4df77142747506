/**
 * A decider is three pure functions (after Emmett / Jérémie Chassaing):
 * `decide(command, state) → events`, `evolve(state, event) → state`, `initialState()`.
 * Nothing here may read a clock, generate ids or do I/O: those arrive in the command's metadata.
 */
export interface Decider<Command, Event, State> {
  decide(command: Command, state: State): readonly Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/** Metadata every command carries: who asks and what time it is, injected by the caller. */
export interface CommandMetadata {
  readonly actor: string;
  /** The caller's clock reading, ISO-8601 UTC. Never `new Date()` inside a decider. */
  readonly now: string;
}

export interface Command<Type extends string, Data> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: CommandMetadata;
}

/**
 * A domain event. `data.occurredAt` is the business time (may be in the past for
 * back-dated notes); the log adds `recordedAt` when it stores the event.
 */
export interface DomainEvent<Type extends string, Data extends { readonly occurredAt: string }> {
  readonly type: Type;
  readonly data: Data;
}

export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
