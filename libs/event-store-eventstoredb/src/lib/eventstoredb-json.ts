import type { JsonObject } from '@causeway/event-store';

/* Checks on what ESDB hands back as JSON: it is `unknown` until checked. */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

export function isJsonObject(value: unknown): value is JsonObject {
  return isRecord(value);
}
