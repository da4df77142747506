import { canonicalJson } from './canonical-json';

describe('canonicalJson (RFC 8785)', () => {
  it('sorts object keys by UTF-16 code units (RFC 8785 §3.2.3 example)', () => {
    const value = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    expect(canonicalJson(value)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('orders integer-like keys as strings, not numerically', () => {
    expect(canonicalJson({ 10: 'a', 9: 'b', a: 'c' })).toBe('{"10":"a","9":"b","a":"c"}');
  });

  it('writes numbers the ECMAScript way (RFC 8785 §3.2.2.3)', () => {
    expect(canonicalJson([0, -0, 1e21, 1e-7, 0.000001, 333333333.3333333, 5e-324, 1.7976931348623157e308, 9007199254740992])).toBe(
      '[0,0,1e+21,1e-7,0.000001,333333333.3333333,5e-324,1.7976931348623157e+308,9007199254740992]',
    );
  });

  it('escapes strings minimally', () => {
    expect(canonicalJson({ s: '\u0000\b\t\n\f\r"\\/\u001f\u007f€' })).toBe('{"s":"\\u0000\\b\\t\\n\\f\\r\\"\\\\/\\u001f\u007f€"}');
  });

  it('has no whitespace and recurses into arrays and objects', () => {
    expect(canonicalJson({ b: [{ d: 1, c: null }, true, 'x'], a: {} })).toBe('{"a":{},"b":[{"c":null,"d":1},true,"x"]}');
  });

  it('drops undefined members, writes undefined array items as null and honours toJSON', () => {
    expect(canonicalJson({ a: undefined, b: [undefined], c: new Date(0) })).toBe('{"b":[null],"c":"1970-01-01T00:00:00.000Z"}');
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson([Number.POSITIVE_INFINITY])).toThrow(TypeError);
    expect(() => canonicalJson({ n: BigInt(1) })).toThrow(TypeError);
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });

  it('escapes a lone surrogate deterministically instead of failing', () => {
    expect(canonicalJson('\ud800')).toBe('"\\ud800"');
  });

  it('is stable under a JSON round trip', () => {
    const value = { z: [1.5, { y: 'é', x: [] }], a: -0.1, m: 'line\nbreak' };
    const once = canonicalJson(value);
    expect(canonicalJson(JSON.parse(once))).toBe(once);
  });
});
