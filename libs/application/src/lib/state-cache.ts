import { LRUCache } from 'lru-cache';

/** A stream's folded state as of a version, and the global position of that version's event. */
export interface FoldedState<State> {
  readonly version: number;
  readonly position: number;
  readonly state: State;
}

/** Streams whose folded state is kept between commands (least recently used are dropped). */
const STATE_CACHE_SIZE = 10_000;

/**
 * Folded state per stream, so a command reads only the events appended since (by any process)
 * instead of the whole stream. States are immutable values, so sharing them is safe.
 */
export class StateCache {
  private readonly entries = new LRUCache<string, FoldedState<unknown>>({ max: STATE_CACHE_SIZE });

  /**
   * A stream id names one aggregate (its prefix), and only that aggregate's handler stores under
   * it, so the state found is always the caller's `State`.
   */
  get<State>(streamId: string): FoldedState<State> | undefined {
    return this.entries.get(streamId) as FoldedState<State> | undefined;
  }

  remember<State>(streamId: string, entry: FoldedState<State>): void {
    this.entries.set(streamId, entry);
  }
}
