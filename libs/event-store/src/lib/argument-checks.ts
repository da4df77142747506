import type { ReadAllOptions } from './event-store.port';

/* Checks every adapter makes on its arguments, so that all refuse the same inputs the same way. */

export function assertNonNegativeInteger(what: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative integer, got ${value}`);
}

/** `after` a position (0 for the start) and a positive `limit`. */
export function assertReadAllOptions(options: ReadAllOptions): void {
  assertNonNegativeInteger('readAll after', options.after);
  if (!Number.isInteger(options.limit) || options.limit < 1) {
    throw new RangeError(`readAll limit must be a positive integer, got ${options.limit}`);
  }
}

/** An error's message for another error's text (a thrown non-Error as its string). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
