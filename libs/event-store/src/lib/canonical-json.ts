/**
 * RFC 8785 (JSON Canonicalization Scheme) serialisation, the input of every event hash.
 *
 * Why not the `canonicalize` package: its v4 is ESM-only with an `import`-only export map, so neither
 * the CommonJS build nor Jest can `require` it. The scheme is small enough to own: object keys sorted
 * by UTF-16 code units (what `Array.prototype.sort` does), numbers and strings exactly as ECMAScript
 * `JSON.stringify` writes them (RFC 8785 §3.2.2 defines them that way), no whitespace.
 *
 * One deliberate difference: a string with a lone surrogate is not rejected but escaped the way
 * `JSON.stringify` does (`"\ud800"`). The result is still deterministic, and the store must not
 * refuse an event that the HTTP layer has already accepted.
 */
export function canonicalJson(value: unknown): string {
  const out = write(value);
  if (out === undefined) throw new TypeError('canonicalJson: the value is not representable as JSON');
  return out;
}

/** Event payloads repeat the same few keys; quoting each once keeps the hot append path lean. */
const quotedKeys = new Map<string, string>();
const MAX_CACHED_KEYS = 4096;

function quoteKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < MAX_CACHED_KEYS) quotedKeys.set(key, quoted);
  }
  return quoted;
}

function write(value: unknown): string | undefined {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not allowed in JSON`);
    return JSON.stringify(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null) return 'null';
  if (typeof value === 'bigint') throw new TypeError('canonicalJson: bigint is not allowed in JSON');
  if (typeof value !== 'object') return undefined;
  const candidate = value as { toJSON?: () => unknown };
  if (typeof candidate.toJSON === 'function') return write(candidate.toJSON());
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += write(value[i]) ?? 'null';
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length > 1) keys.sort();
  let out = '{';
  let separator = '';
  for (let i = 0; i < keys.length; i++) {
    const member = write(record[keys[i]]);
    if (member === undefined) continue;
    out += `${separator}${quoteKey(keys[i])}:${member}`;
    separator = ',';
  }
  return `${out}}`;
}
