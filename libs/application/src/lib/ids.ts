import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';

/** Random, time-ordered ids (UUID v7): sortable by creation, so lists and cursors stay cheap. */
export function newId(): string {
  return uuidv7();
}

const CAUSEWAY_NAMESPACE = '6f1c2a53-5b0e-4f8e-9d0c-3c1b9e2d7a41';

/**
 * The same name always gives the same id. Commands retried under one Idempotency-Key (or a timer
 * that fires twice) produce events with the same ids, and the log stores an id once: a retry that
 * reaches the log after a crash is a no-op instead of a duplicate.
 */
export function deterministicId(name: string): string {
  return uuidv5(name, CAUSEWAY_NAMESPACE);
}
