import type { TypedField } from './document-reader';

/** A PostgreSQL identifier, always quoted. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The jsonb at a dotted path of the document. */
export function jsonPath(field: string): string {
  return `(_jsonb ${field
    .split('.')
    .map((part) => `-> ${literal(part)}`)
    .join(' ')})`;
}

/**
 * The comparable form of a field, as the btree indexes are built on: strings (and ObjectIds, as
 * hex) in byte order (`COLLATE "C"`, which is MongoDB's binary order in a UTF-8 database),
 * numbers and dates (milliseconds) as numeric, booleans as jsonb.
 */
export function sortExpression({ field, type }: TypedField): string {
  if (type === 'string' || type === 'objectId') {
    const parts = field.split('.');
    const last = parts.pop()!;
    const base = parts.length ? jsonPath(parts.join('.')) : '_jsonb';
    return `((${base} ->> ${literal(last)}) COLLATE "C")`;
  }
  if (type === 'number' || type === 'date') return `((${jsonPath(field)})::numeric)`;
  return jsonPath(field);
}
