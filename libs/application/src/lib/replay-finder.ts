import type { EventShape, StoredEvent } from '@causeway/event-store';
import { deterministicId } from './ids';

/**
 * A command run under an idempotency seed writes event ids `<seed>:0`, `<seed>:1`, …; if the first
 * is already in the stream, the command was applied before. Returns the position of its last event
 * (what the first run answered), or null when the command is new.
 */
export function findReplay(seed: string, stored: readonly StoredEvent<EventShape>[]): number | null {
  const positions = new Map(stored.map((event) => [event.id, event.position]));
  let last: number | null = null;
  for (let index = 0; positions.has(eventIdFor(seed, index)); index++) {
    last = positions.get(eventIdFor(seed, index)) ?? null;
  }
  return last;
}

/** The id of a seeded command's `index`-th event. */
export function eventIdFor(seed: string, index: number): string {
  return deterministicId(`${seed}:${index}`);
}
