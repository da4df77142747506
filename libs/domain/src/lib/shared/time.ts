/**
 * Requiring an explicit offset (or Z) avoids reading a local wall-clock time in the server's zone,
 * which is how a note ends up hours off on the timeline or a due date a day early.
 */
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** What a field that `parseTimestamp` refused must look like, worded for a field error. */
export const TIMESTAMP_FORMAT_MESSAGE = 'must be an ISO-8601 timestamp with a time zone, e.g. 2024-05-01T09:30:00Z';

/** A client-given time normalised to UTC with milliseconds (equal instants compare equal as text); `null` if invalid. */
export function parseTimestamp(value: string): string | null {
  const at = ISO_TIMESTAMP.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(at) ? null : new Date(at).toISOString();
}

/** The command's clock reading in ms. It is injected by our own code, so a bad value is a bug, not a 400. */
export function clockMs(now: string): number {
  const ms = Date.parse(now);
  if (Number.isNaN(ms)) throw new Error(`command metadata.now is not a timestamp: ${now}`);
  return ms;
}

/** "a", "a or b", "a, b or c": for messages that say what is allowed. */
export function formatList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}
