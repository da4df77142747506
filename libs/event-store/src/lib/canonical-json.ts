import canonicalize from 'canonicalize';

/**
 * RFC 8785 (JSON Canonicalization Scheme) serialisation, the input of every event hash: object keys
 * sorted by UTF-16 code units, numbers and strings as ECMAScript writes them, no whitespace. The
 * `canonicalize` package (by an author of the RFC) does the work; v2 is used because v4 is
 * ESM-only and cannot be required by the CommonJS build or Jest.
 */
export function canonicalJson(value: unknown): string {
  assertJsonSafe(value);
  const out = canonicalize(value);
  if (out === undefined) throw new TypeError('canonicalJson: the value is not representable as JSON');
  return out;
}

/** canonicalize writes NaN/Infinity as null and throws a bare Error on BigInt: refuse them up front. */
function assertJsonSafe(value: unknown): void {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not allowed in JSON`);
  if (typeof value === 'bigint') throw new TypeError('canonicalJson: BigInt is not allowed in JSON');
  if (value && typeof value === 'object') {
    for (const item of Array.isArray(value) ? value : Object.values(value)) assertJsonSafe(item);
  }
}
