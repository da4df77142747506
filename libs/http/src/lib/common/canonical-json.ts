import canonicalize from 'canonicalize';

/** RFC 8785 canonical JSON: the same value always serialises to the same bytes. */
export function canonicalJson(value: unknown): string {
  return canonicalize(value) ?? 'null';
}
