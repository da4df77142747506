import { CausewayError, type FieldError } from '@causeway/domain';

/**
 * A cursor the client cannot use (corrupt, from another list, or hand-made). The HTTP layer answers
 * 400 `VALIDATION_FAILED` naming `field`.
 */
export class InvalidCursorError extends CausewayError<'VALIDATION_FAILED'> {
  readonly code = 'VALIDATION_FAILED' as const;
  readonly field = 'cursor' as const;
  /** The message is the problem document's `detail`, so it is worded for the client. */
  constructor(message = 'cursor is not a cursor this list returned') {
    super(message);
    this.name = 'InvalidCursorError';
  }

  override get fieldErrors(): readonly FieldError[] {
    return [{ field: this.field, message: 'is invalid or expired' }];
  }
}

export interface Page<T> {
  readonly items: T[];
  /** Opaque: pass back as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

type KeyPart = 'string' | 'number';
type KeyValue<P extends KeyPart> = P extends 'string' ? string : number;
type KeyValues<Parts extends readonly KeyPart[]> = { -readonly [I in keyof Parts]: KeyValue<Parts[I]> };

const MAX_CURSOR_LENGTH = 1024;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Keyset cursors: base64url JSON of the last item's sort key and the list it belongs to. Opaque so
 * that the key can change without breaking clients; tagged so that a timeline cursor sent to the
 * incident list is refused instead of silently paging from the wrong place.
 */
export function encodeCursor(list: string, key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify({ l: list, k: key }), 'utf8').toString('base64url');
}

export function decodeCursor<const Parts extends readonly KeyPart[]>(list: string, cursor: string, parts: Parts): KeyValues<Parts> {
  if (cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) throw new InvalidCursorError();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (typeof parsed !== 'object' || parsed === null) throw new InvalidCursorError();
  const { l, k } = parsed as { l?: unknown; k?: unknown };
  if (l !== list || !Array.isArray(k) || k.length !== parts.length) throw new InvalidCursorError();
  k.forEach((value: unknown, index) => {
    const valid = parts[index] === 'number' ? Number.isSafeInteger(value) : typeof value === 'string';
    if (!valid) throw new InvalidCursorError();
  });
  return k as KeyValues<Parts>;
}

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

/** The HTTP layer validates `limit`; this only keeps a programming error from reading a whole table. */
export function pageSize(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_PAGE_SIZE;
  return Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(limit)));
}
