import fc from 'fast-check';

/**
 * fast-check arbitraries from the OpenAPI document's schemas: `valid(schema)` generates values
 * the schema accepts, `breaking(schema)` values that break exactly one of its constraints (with
 * the constraint named). Covers what the document uses: $ref, allOf, anyOf, oneOf, enum, nullable,
 * string (pattern, formats email/password, min/maxLength), integer (minimum/maximum), boolean,
 * array (items, minItems), object (required, additionalProperties: false, minProperties).
 */
export type Schema = Record<string, unknown>;
export interface Breach {
  constraint: string;
  value: unknown;
  /** Leave the field out (a broken `required`). */
  omit?: boolean;
}

const MAX_GENERATED_LENGTH = 24;

export class SchemaArbitraries {
  constructor(private readonly document: { components?: { schemas?: Record<string, Schema> } }) {}

  resolve(schema: Schema): Schema {
    let resolved = schema;
    while (typeof resolved.$ref === 'string') {
      const name = resolved.$ref.replace('#/components/schemas/', '');
      resolved = this.document.components?.schemas?.[name] as Schema;
    }
    if (Array.isArray(resolved.allOf)) {
      const parts = (resolved.allOf as Schema[]).map((part) => this.resolve(part));
      const siblings = { ...resolved };
      delete siblings.allOf;
      // A wrapped $ref (allOf of one, with a description beside it): the schema it names.
      if (!parts.some((part) => part.type === 'object')) return Object.assign({}, ...parts, siblings) as Schema;
      // allOf of objects: merge their properties and required lists.
      const merged: Schema = { ...resolved, allOf: undefined, type: 'object', properties: {}, required: [] };
      for (const part of parts) {
        Object.assign(merged.properties as Schema, part.properties);
        (merged.required as string[]).push(...((part.required as string[]) ?? []));
      }
      return merged;
    }
    return resolved;
  }

  valid(input: Schema): fc.Arbitrary<unknown> {
    const schema = this.resolve(input);
    const value = this.validNonNull(schema);
    return schema.nullable ? fc.oneof({ weight: 4, arbitrary: value }, { weight: 1, arbitrary: fc.constant(null) }) : value;
  }

  private validNonNull(schema: Schema): fc.Arbitrary<unknown> {
    if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
    for (const key of ['anyOf', 'oneOf'] as const) {
      if (Array.isArray(schema[key])) return fc.oneof(...(schema[key] as Schema[]).map((alternative) => this.valid({ ...schema, [key]: undefined, nullable: false, ...alternative })));
    }
    switch (schema.type) {
      case 'string':
        return validString(schema);
      case 'integer':
        return fc.integer({ min: (schema.minimum as number) ?? -1000, max: Math.min((schema.maximum as number) ?? 1000, 1000) });
      case 'boolean':
        return fc.boolean();
      case 'array':
        return fc.array(this.valid(schema.items as Schema), { minLength: (schema.minItems as number) ?? 0, maxLength: 3 });
      case 'object':
        return this.validObject(schema);
      default:
        return fc.constant('x');
    }
  }

  private validObject(schema: Schema): fc.Arbitrary<Record<string, unknown>> {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const model = Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, this.valid(property)]));
    const required = (schema.required as string[]) ?? [];
    const record = fc.record(model, { requiredKeys: required });
    const minProperties = (schema.minProperties as number) ?? 0;
    // The edge case first: with nothing required, the empty object is valid unless minProperties says no.
    const edged = required.length === 0 ? fc.oneof(fc.constant({}), record) : record;
    return edged.filter((value) => Object.keys(value).length >= minProperties);
  }

  /** Values that break one constraint of the schema; empty when it has none to break. */
  breaking(input: Schema): fc.Arbitrary<Breach>[] {
    const schema = this.resolve(input);
    const breaches: fc.Arbitrary<Breach>[] = [];
    const constant = (constraint: string, value: unknown) => breaches.push(fc.constant({ constraint, value }));
    if (!schema.nullable && !Array.isArray(schema.anyOf)) constant('nullable: false', null);
    if (Array.isArray(schema.enum)) constant('enum', 'not-one-of-the-values');
    switch (schema.type) {
      case 'string': {
        constant('type: string', 12345);
        if (typeof schema.minLength === 'number' && schema.minLength > 0) constant('minLength', 'x'.repeat(schema.minLength - 1));
        if (typeof schema.maxLength === 'number') constant('maxLength', 'x'.repeat(schema.maxLength + 1));
        if (typeof schema.pattern === 'string') {
          const pattern = new RegExp(schema.pattern, 'u');
          const misfit = PATTERN_MISFITS.find((candidate) => !pattern.test(candidate) && fitsLength(schema, candidate));
          if (misfit !== undefined) constant(`pattern ${schema.pattern}`, misfit);
        }
        if (schema.format === 'email') constant('format: email', 'not-an-email');
        break;
      }
      case 'integer':
        constant('type: integer', 1.5);
        if (typeof schema.minimum === 'number') constant('minimum', schema.minimum - 1);
        if (typeof schema.maximum === 'number') constant('maximum', schema.maximum + 1);
        break;
      case 'boolean':
        constant('type: boolean', 'yes');
        break;
      case 'array':
        constant('type: array', 'not-an-array');
        if (schema.items) {
          for (const item of this.breaking(schema.items as Schema)) {
            breaches.push(item.filter((breach) => !breach.omit).map((breach) => ({ constraint: `items: ${breach.constraint}`, value: [breach.value] })));
          }
        }
        break;
      case 'object':
        breaches.push(...this.breakingObject(schema));
        break;
    }
    return breaches;
  }

  private breakingObject(schema: Schema): fc.Arbitrary<Breach>[] {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const required = (schema.required as string[]) ?? [];
    const base = this.validObject(schema).filter((value) => Object.keys(value).length >= 1);
    const breaches: fc.Arbitrary<Breach>[] = [fc.constant({ constraint: 'type: object', value: 'not-an-object' })];
    if (schema.additionalProperties === false) {
      breaches.push(base.map((value) => ({ constraint: 'additionalProperties: false', value: { ...value, not_a_field: 'x' } })));
    }
    if (typeof schema.minProperties === 'number' && schema.minProperties > 0) {
      breaches.push(fc.constant({ constraint: 'minProperties', value: {} }));
    }
    for (const name of required) {
      breaches.push(
        base.map((value) => {
          const rest = { ...value };
          delete rest[name];
          return { constraint: `required: ${name}`, value: rest };
        }),
      );
    }
    for (const [name, property] of Object.entries(properties)) {
      for (const breach of this.breaking(property)) {
        breaches.push(
          fc.tuple(this.validObject(schema), breach).map(([value, broken]) => ({
            constraint: `${name}: ${broken.constraint}`,
            value: { ...value, [name]: broken.value },
          })),
        );
      }
    }
    return breaches;
  }
}

/** Strings tried, in order, as a value that a pattern refuses (the first that it refuses is used). */
const PATTERN_MISFITS = ['!!!', '   ', ' \u200b ', 'abc', '12', '2026-02-30', '2026-11-30t10:00:00z', 'has space', 'x'];

const fitsLength = (schema: Schema, value: string) =>
  value.length >= ((schema.minLength as number) ?? 0) && value.length <= ((schema.maxLength as number) ?? Infinity);

/** Unicode property escapes, which fast-check's stringMatching does not take, as plain classes. */
const generable = (pattern: string) =>
  pattern
    .replace(/\\P\{Cc\}/g, '[^\\x00-\\x1F\\x7F-\\x9F]')
    .replace(/\\p\{Cf\}/g, '\\u200B')
    .replace(/\\p\{Cc\}/g, '\\x00-\\x1F\\x7F-\\x9F');

/**
 * Well-formed text only: a NUL or a lone surrogate is refused by every operation (a documented
 * 422), whatever the schema says.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const sane = (value: string) => !LONE_SURROGATE.test(value) && !value.includes('\u0000');

function validString(schema: Schema): fc.Arbitrary<string> {
  const minLength = (schema.minLength as number) ?? 0;
  const maxLength = (schema.maxLength as number) ?? Infinity;
  let strings: fc.Arbitrary<string>;
  if (typeof schema.pattern === 'string') {
    const pattern = new RegExp(schema.pattern, 'u');
    strings = fc.stringMatching(new RegExp(generable(schema.pattern))).filter((value) => pattern.test(value));
  } else if (schema.format === 'email') {
    const word = fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/);
    strings = fc.tuple(word, word, fc.constantFrom('com', 'org', 'net')).map(([user, host, tld]) => `${user}@${host}.${tld}`);
  } else {
    // Edge cases beside random text: the shortest value, and only blanks (valid unless a pattern says no).
    strings = fc.oneof(
      fc.string({ minLength, maxLength: Math.max(minLength, Math.min(maxLength, MAX_GENERATED_LENGTH)) }),
      fc.constant('x'.repeat(minLength)),
      fc.constant(' '.repeat(Math.max(minLength, 1))),
    );
  }
  return strings.filter((value) => sane(value) && value.length >= minLength && value.length <= maxLength);
}
