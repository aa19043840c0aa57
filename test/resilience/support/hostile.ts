import fc from 'fast-check';

/**
 * Hostile JSON, built as text so that nothing is lost on the way: `__proto__` stays an own key,
 * duplicate keys stay duplicated, lone surrogates and NUL go on the wire as escapes.
 */
export class JsonObject {
  constructor(readonly entries: Array<[string, JsonTree]>) {}
}
/** Pre-serialized JSON text (deep nesting). */
export class RawJson {
  constructor(readonly text: string) {}
}
export type JsonTree = null | boolean | number | string | JsonTree[] | JsonObject | RawJson;

export function toJson(value: JsonTree): string {
  if (value instanceof RawJson) return value.text;
  if (value instanceof JsonObject) return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(',')}}`;
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  return JSON.stringify(value) ?? 'null';
}

export const OPERATORS = ['$ne', '$gt', '$gte', '$lt', '$where', '$regex', '$in', '$nin', '$exists', '$expr', '$or', '$set'];
export const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype'];

export const unicodeEdges = fc.constantFrom(
  '\u0000',
  'Jo\u0000hn',
  '\u202eevil\u202c', // right-to-left override
  '\u200f\u200e', // RTL / LTR marks
  '\u200b', // zero width space
  'Jose\u0301', // combining acute
  'e\u0301\u0301\u0301\u0301\u0301',
  '😀👍🏽👨‍👩‍👧',
  '\ud800', // lone high surrogate
  'a\udfffb', // lone low surrogate
  '\ufeff',
  '\uffff',
  'Ａｄｍｉｎ', // full-width
  'İı ß ǅ',
  '   ',
  '',
);

export const injections = fc.constantFrom(
  ...OPERATORS,
  '.*',
  '^',
  '(a+)+$',
  "'; return true; var x='",
  'this.password.length > 0',
  '{"$gt":""}',
  '../../../etc/passwd',
  '<script>alert(1)</script>',
  '%00',
  '%',
  '\\',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '1e309',
  '-1',
  '0',
  '5551234567',
  '(555) 123-4567',
  'admin',
  'archived',
);

const hugeString = fc.integer({ min: 2_000, max: 40_000 }).map((n) => 'A'.repeat(n));

export const hostileString = fc.oneof(
  unicodeEdges,
  injections,
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme-composite', maxLength: 20 }),
  hugeString,
);

export const hostileKey = fc.oneof(
  fc.constantFrom(...POLLUTION_KEYS, ...OPERATORS, 'a.b', '$', '', '_id', 'status', 'version', 'total_transactions', 'active_loans', 'created_at', 'role', 'active', 'pending_audit', 'search_keys'),
  fc.string({ maxLength: 12 }),
);

const leaf: fc.Arbitrary<JsonTree> = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(1e308, -0, 2 ** 53 + 1, -1, 0, 1),
  fc.boolean(),
  fc.constant(null),
);

const operatorObject: fc.Arbitrary<JsonTree> = fc
  .tuple(fc.constantFrom(...OPERATORS), leaf)
  .map(([operator, operand]) => new JsonObject([[operator, operand]]));

const pollutionObject: fc.Arbitrary<JsonTree> = fc
  .tuple(fc.constantFrom(...POLLUTION_KEYS), fc.constantFrom('isAdmin', 'role', 'polluted', 'prototype'), leaf)
  .map(([key, inner, value]) => new JsonObject([[key, new JsonObject([[inner, value]])]]));

const deepNesting: fc.Arbitrary<JsonTree> = fc
  .tuple(fc.integer({ min: 100, max: 6_000 }), fc.boolean())
  .map(([depth, arrays]) => new RawJson(arrays ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)));

export const hostileValue: fc.Arbitrary<JsonTree> = fc.letrec<{ value: JsonTree; array: JsonTree[]; object: JsonObject }>((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, operatorObject, pollutionObject, deepNesting, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.array(fc.tuple(hostileKey, tie('value')), { maxLength: 4 }).map((entries) => new JsonObject(entries)),
})).value;

/** A request body: whole-body garbage, a valid body with one field poisoned or one key added, or broken bytes. */
export function hostileBody(validBody: Record<string, JsonTree>): fc.Arbitrary<{ contentType: string; payload: Buffer; note: string }> {
  const fields = Object.keys(validBody);
  const asJson = (tree: JsonTree, note: string) => ({ contentType: 'application/json', payload: Buffer.from(toJson(tree), 'utf8'), note });
  const valid = () => Object.entries(validBody);
  return fc.oneof(
    hostileValue.map((tree) => asJson(tree, 'whole body')),
    fc
      .tuple(fields.length > 0 ? fc.constantFrom(...fields) : hostileKey, hostileValue)
      .map(([field, tree]) => asJson(new JsonObject([...valid().filter(([k]) => k !== field), [field, tree]]), `field ${field}`)),
    fc.tuple(hostileKey, hostileValue).map(([key, tree]) => asJson(new JsonObject([...valid(), [key, tree]]), `extra key ${key}`)),
    fc
      .tuple(
        fc.constantFrom(...(fields.length > 0 ? fields : ['x'])),
        fc.constantFrom([0xff], [0xfe, 0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x00]),
        fc.uint8Array({ maxLength: 8 }),
      )
      .map(([field, bad, noise]) => ({
        contentType: 'application/json',
        payload: Buffer.concat([Buffer.from(`{"${field}":"x`), Buffer.from(bad), Buffer.from(noise), Buffer.from('"}')]),
        note: `invalid UTF-8 in ${field}`,
      })),
    fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ contentType: 'application/json', payload: Buffer.from(bytes), note: 'random bytes' })),
    fc
      .tuple(fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data'), fc.constantFrom('a[$ne]=1', 'phone_number[$gt]=', '<a/>', '{}'))
      .map(([contentType, text]) => ({ contentType, payload: Buffer.from(text), note: `content-type ${contentType}` })),
  );
}

/** A path parameter: hostile text percent-encoded, or broken escapes that are not UTF-8 at all. */
export const hostilePathSegment: fc.Arbitrary<string> = fc.oneof(
  // Under Node's 16 KiB header limit: beyond it the HTTP parser answers before the app (see limits).
  hostileString.filter((s) => s.length <= 6_000).map((s) => {
    try {
      return encodeURIComponent(s);
    } catch {
      return '%ED%A0%80'; // a lone surrogate cannot be encoded: send its (invalid) UTF-8 bytes instead
    }
  }),
  fc.constantFrom('%', '%zz', '%FF', '%C0%AF', '%ED%A0%80', '%E2%82', '..', '%2e%2e', '%2F', '%00', 'stats', '5551234567%00', '5551234567%20OR%201=1'),
  fc.integer({ min: 150, max: 5_000 }).map((n) => '5'.repeat(n)),
);

/** A query string: operator brackets, pollution keys and hostile values on the known names and others. */
export function hostileQuery(knownNames: string[]): fc.Arbitrary<string> {
  const name = fc.oneof(
    fc.constantFrom(...knownNames, 'page', 'per_page', 'search', 'status', 'reason'),
    fc.constantFrom(...POLLUTION_KEYS),
    fc.string({ maxLength: 8 }),
  );
  const key = fc.oneof(
    name.map((n) => encodeURIComponent(n)),
    fc.tuple(name, fc.constantFrom(...OPERATORS, ...POLLUTION_KEYS, '', '0')).map(([n, op]) => `${encodeURIComponent(n)}[${encodeURIComponent(op)}]`),
  );
  const value = fc.oneof(
    hostileString.filter((s) => s.length <= 6_000).map((s) => {
      try {
        return encodeURIComponent(s);
      } catch {
        return '%ED%A0%80';
      }
    }),
    fc.constantFrom('%', '%zz', '%FF', '%C0%AF', '', '-1', '0', '101', '1e3', '1.5', '0x10', 'true'),
  );
  return fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 5 }).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));
}
