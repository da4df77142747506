const NUL = '\u0000';
const ESCAPED_NUL = '\\u0000';
const REPLACEMENT = '\uFFFD';

/**
 * PostgreSQL's text and jsonb cannot hold U+0000, which SQLite and the event log accept. Left
 * alone, one such character in a note would fail its batch forever and stop the projection, so on
 * PostgreSQL it becomes U+FFFD (the replacement character); the log keeps the original.
 *
 * `value` is a bound parameter: plain text, or (`json`) a document already serialised, in which
 * the character appears escaped.
 */
export function withoutNul(value: unknown, json: boolean): unknown {
  if (typeof value !== 'string') return value;
  if (json) return value.includes(ESCAPED_NUL) ? JSON.stringify(withoutNulDeep(JSON.parse(value))) : value;
  return value.includes(NUL) ? value.replaceAll(NUL, REPLACEMENT) : value;
}

/** The same for a JSON value before it is serialised. */
export function withoutNulDeep<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll(NUL, REPLACEMENT) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => withoutNulDeep(item)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [withoutNulDeep(key), withoutNulDeep(item as unknown)])) as T;
  }
  return value;
}
