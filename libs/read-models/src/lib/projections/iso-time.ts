/**
 * Read models store and sort times as text, so every time must have one shape: a client may send
 * `2024-05-01T11:30:00+02:00`, which sorts wrongly against `2024-05-01T09:45:00.000Z` although it
 * is earlier. `Date#toISOString` gives UTC with milliseconds, whose lexical order is time order.
 */
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function toUtcIso(value: string): string {
  // Nearly every time is already in this shape (the server's clock writes it); parsing and
  // formatting each again is most of a rebuild's projection time.
  if (CANONICAL.test(value)) return value;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

export function toUtcIsoOrNull(value: string | null): string | null {
  return value === null ? null : toUtcIso(value);
}
