import { Types } from 'mongoose';
import type { FieldType } from './document-reader';

/**
 * FerretDB 1.24 stores each document in PostgreSQL as one jsonb value ("sjson", see FerretDB's
 * internal/handler/sjson): the fields as plain JSON (an ObjectId as 24 hex digits, a date as
 * milliseconds since the epoch, an int/long/double as a number) plus a schema in `$s`:
 * `{"$k": [keys in order], "p": {key: {"t": type, "$s": … for objects, "i": [...] for arrays}}}`.
 * These decode it into the values the MongoDB driver gives (ObjectId, Date, number, …).
 */
export interface SjsonSchema {
  $k: string[];
  p: Record<string, SjsonElement>;
}

export interface SjsonElement {
  t: string;
  $s?: SjsonSchema;
  i?: SjsonElement[];
}

/** Decodes one value from its stored JSON and its schema element. */
export function decodeValue(element: SjsonElement, json: unknown): unknown {
  switch (element.t) {
    case 'object':
      return decodeDocument(element.$s!, json as Record<string, unknown>);
    case 'array':
      return (json as unknown[]).map((item, i) => decodeValue(element.i![i], item));
    case 'double':
    case 'int':
    case 'long':
      return json as number;
    case 'string':
    case 'bool':
      return json;
    case 'objectId':
      return new Types.ObjectId(json as string);
    case 'date':
      return new Date(json as number);
    case 'null':
      return null;
    default:
      throw new Error(`stored type ${element.t} is not decoded`);
  }
}

/** A whole document (fields in their stored order). */
export function decodeDocument(
  schema: SjsonSchema,
  json: Record<string, unknown>,
): Record<string, unknown> {
  const document: Record<string, unknown> = {};
  // An empty object is stored with an empty schema: no `$k`, no `p`.
  for (const key of schema.$k ?? []) document[key] = decodeValue(schema.p[key], json[key]);
  return document;
}

const STORED_AS: Record<FieldType, readonly string[]> = {
  string: ['string'],
  number: ['int', 'long', 'double'],
  date: ['date'],
  objectId: ['objectId'],
  boolean: ['bool'],
};

/**
 * One field as its declared type (`any`: whatever is stored). Absent: undefined; a stored null
 * is null. A stored type other than the declared one is an error, not a silent wrong answer.
 */
export function decodeField(
  field: string,
  declared: FieldType | 'any',
  element: SjsonElement | null | undefined,
  json: unknown,
): unknown {
  if (!element) return undefined;
  if (element.t !== 'null' && declared !== 'any' && !STORED_AS[declared].includes(element.t))
    throw new Error(`${field} is stored as ${element.t}, not as ${declared}`);
  return decodeValue(element, json);
}
