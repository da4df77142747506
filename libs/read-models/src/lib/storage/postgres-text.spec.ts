import { storedTime, storedTimeOrNull } from './column-types';
import { withoutNul, withoutNulDeep } from './postgres-text';

describe('values bound for PostgreSQL', () => {
  it('replace U+0000 in text, in serialised JSON (keys too) and in JSON values', () => {
    expect(withoutNul('a\u0000b', false)).toBe('a\uFFFDb');
    expect(withoutNul('plain', false)).toBe('plain');
    expect(withoutNul(JSON.stringify({ 'k\u0000': ['x\u0000y', 1, null] }), true)).toBe(JSON.stringify({ 'k\uFFFD': ['x\uFFFDy', 1, null] }));
    // A literal backslash-u in text is not an escape.
    expect(withoutNul(JSON.stringify({ text: '\\u0000' }), true)).toBe(JSON.stringify({ text: '\\u0000' }));
    expect(withoutNul(3, false)).toBe(3);
    expect(withoutNulDeep({ body: { nested: ['\u0000'] }, n: 1 })).toEqual({ body: { nested: ['\uFFFD'] }, n: 1 });
  });
});

describe('stored times', () => {
  it('are ISO-8601 UTC text whatever the driver returned', () => {
    expect(storedTime('2026-11-21T10:00:00.000Z')).toBe('2026-11-21T10:00:00.000Z');
    expect(storedTime(new Date('2026-11-21T12:00:00.250+02:00'))).toBe('2026-11-21T10:00:00.250Z');
    expect(storedTimeOrNull(null)).toBeNull();
  });
});
