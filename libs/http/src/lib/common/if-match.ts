import { Problem } from '../problem/problem';

/**
 * `If-Match: "<version>"` → the expected stream version; absent or `*` → undefined (no check).
 * Weak validators are refused: versions are exact.
 */
export function ifMatchVersion(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*"(\d{1,15})"\s*$/.exec(header);
  if (!match) throw Problem.validation([{ field: 'If-Match', message: 'must be an ETag this API returned, e.g. "3"' }]);
  return Number(match[1]);
}

export const etag = (version: number): string => `"${version}"`;
