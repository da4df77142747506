import { decodeCursor, encodeCursor, InvalidCursorError, pageSize } from './cursor';

describe('keyset cursors', () => {
  it('round-trip the sort key of the list that issued them', () => {
    const cursor = encodeCursor('incidents', ['2026-11-21T10:00:00.000Z', 'id-1']);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor('incidents', cursor, ['string', 'string'] as const)).toEqual(['2026-11-21T10:00:00.000Z', 'id-1']);
    expect(decodeCursor('timeline', encodeCursor('timeline', ['x', 3]), ['string', 'number'] as const)).toEqual(['x', 3]);
  });

  it.each([
    ['not base64url', 'a+b/c='],
    ['not JSON', Buffer.from('{nope').toString('base64url')],
    ['JSON but not a cursor', Buffer.from('"x"').toString('base64url')],
    ['another list', encodeCursor('timeline', ['a', 'b'])],
    ['a key of the wrong shape', encodeCursor('incidents', ['a'])],
    ['a key of the wrong types', encodeCursor('incidents', ['a', 1])],
    ['too long', 'a'.repeat(2000)],
  ])('refuses %s', (_name, cursor) => {
    expect(() => decodeCursor('incidents', cursor, ['string', 'string'] as const)).toThrow(InvalidCursorError);
  });

  it('refuses fractional or unsafe numbers', () => {
    expect(() => decodeCursor('t', encodeCursor('t', [1.5]), ['number'] as const)).toThrow(InvalidCursorError);
    expect(() => decodeCursor('t', encodeCursor('t', [2 ** 60]), ['number'] as const)).toThrow(InvalidCursorError);
  });

  it('names the field for the HTTP layer', () => {
    expect(new InvalidCursorError()).toMatchObject({ field: 'cursor', code: 'VALIDATION_FAILED', name: 'InvalidCursorError' });
  });

  it('keeps page sizes within 1–200, default 50', () => {
    expect([pageSize(undefined), pageSize(0), pageSize(7.9), pageSize(500), pageSize(Number.NaN)]).toEqual([50, 1, 7, 200, 50]);
  });
});
