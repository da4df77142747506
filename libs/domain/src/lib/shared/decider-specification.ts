import { AssertionError, deepStrictEqual } from 'node:assert';
import type { Decider } from './decider';

/**
 * Given / when / then for deciders, after Emmett's `DeciderSpecification`: the history is a list
 * of past events, the act is one command, the outcome is the new events or an error. It has no
 * test-framework dependency so any runner (Jest, node:test) can use it; a mismatch throws a plain
 * `Error` whose message carries node's structural diff.
 *
 * ```ts
 * DeciderSpecification.for(incidentDecider)
 *   .given([declared])
 *   .when(acknowledge)
 *   .then([acknowledged]);
 * ```
 */
export const DeciderSpecification = {
  for<Command, Event, State>(decider: Decider<Command, Event, State>): DeciderGiven<Command, Event> {
    return {
      given: (events) => ({
        when: (command) => new DeciderOutcome(decider, events, command),
      }),
    };
  },
};

export interface DeciderGiven<Command, Event> {
  /** Past events, folded with `evolve` from `initialState()`; `[]` means "nothing happened yet". */
  given(events: readonly Event[]): DeciderWhen<Command, Event>;
}

export interface DeciderWhen<Command, Event> {
  when(command: Command): DeciderThen<Event>;
}

/** Any error class, including abstract ones such as `DomainError`. */
export type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

export interface DeciderThen<Event> {
  /** The command must succeed and emit exactly these events, in this order. */
  then(expected: readonly Event[]): void;
  /** The command must succeed and emit nothing. */
  thenNothingHappened(): void;
  /**
   * The command must throw an instance of `errorClass` for which `predicate` (if given) returns
   * true. Returns the error so a test can look at it further.
   */
  thenThrows<E extends Error>(errorClass: ErrorClass<E>, predicate?: (error: E) => boolean): E;
}

class DeciderOutcome<Command, Event, State> implements DeciderThen<Event> {
  constructor(
    private readonly decider: Decider<Command, Event, State>,
    private readonly history: readonly Event[],
    private readonly command: Command,
  ) {}

  then(expected: readonly Event[]): void {
    const actual = this.run();
    if (actual.kind === 'threw') {
      throw new Error(`${this.describe()}\nexpected events ${show(expected)}\nbut decide threw ${showError(actual.error)}`);
    }
    try {
      deepStrictEqual(actual.events, expected);
    } catch (error: unknown) {
      if (error instanceof AssertionError) {
        throw new Error(`${this.describe()}\nemitted events differ from the expected ones:\n${error.message}`);
      }
      throw error;
    }
  }

  thenNothingHappened(): void {
    this.then([]);
  }

  thenThrows<E extends Error>(errorClass: ErrorClass<E>, predicate?: (error: E) => boolean): E {
    const actual = this.run();
    if (actual.kind === 'emitted') {
      throw new Error(`${this.describe()}\nexpected ${errorClass.name} to be thrown\nbut decide emitted ${show(actual.events)}`);
    }
    if (!(actual.error instanceof errorClass)) {
      throw new Error(`${this.describe()}\nexpected ${errorClass.name} to be thrown\nbut got ${showError(actual.error)}`);
    }
    const error: E = actual.error;
    if (predicate !== undefined && !predicate(error)) {
      throw new Error(`${this.describe()}\n${errorClass.name} was thrown but did not match the predicate:\n${showError(error)}`);
    }
    return error;
  }

  private run(): { kind: 'emitted'; events: readonly Event[] } | { kind: 'threw'; error: unknown } {
    const state = this.fold();
    try {
      return { kind: 'emitted', events: this.decider.decide(this.command, state) };
    } catch (error: unknown) {
      return { kind: 'threw', error };
    }
  }

  /** A history `evolve` rejects is a broken spec; it must not count as the error a test expects. */
  private fold(): State {
    try {
      return this.history.reduce<State>((s, e) => this.decider.evolve(s, e), this.decider.initialState());
    } catch (error: unknown) {
      throw new Error(`${this.describe()}
the given events could not be evolved: ${showError(error)}`);
    }
  }

  private describe(): string {
    return `Decider specification failed\ngiven ${show(this.history)}\nwhen ${show(this.command)}`;
  }
}

function show(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

function showError(error: unknown): string {
  if (!(error instanceof Error)) return show(error);
  // Own enumerable fields carry the domain detail (reason, currentState, allowed, errors).
  const details = Object.fromEntries(Object.entries(error));
  const extra = Object.keys(details).length > 0 ? ` ${show(details)}` : '';
  return `${error.name}: ${error.message}${extra}`;
}
