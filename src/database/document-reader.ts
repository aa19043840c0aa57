/**
 * The read port: pages, counts and sums over one collection, described without naming a
 * database. Feature repositories describe their reads with it; src/database decides which
 * adapter answers (see DatabaseModule). Writes do not go through it.
 *
 * Semantics are MongoDB's: strings compare by their UTF-8 bytes (no collation), numbers by value,
 * dates by instant; a missing field sorts first in ascending order; `ne`/`nin` also match a
 * document without the field. Every page ends its sort with `_id` in the same direction, so that
 * equal keys always come in one order.
 */

/** How a field is stored, as the query compares it. `objectId` values are given as 24 hex digits. */
export type FieldType = 'string' | 'number' | 'date' | 'objectId' | 'boolean';

export type Value = string | number | boolean | Date;

/** A field, as a (dotted) path, with its type. */
export interface TypedField {
  field: string;
  type: FieldType;
}

export type Condition =
  | (TypedField & { op: 'eq' | 'ne'; value: Value })
  | (TypedField & { op: 'in' | 'nin'; values: Value[] })
  | (TypedField & { op: 'range'; gt?: Value; gte?: Value; lt?: Value; lte?: Value })
  /** An array field holding every one of `values` (at least one). */
  | (TypedField & { op: 'containsAll'; values: Value[] })
  /** Any one branch holds (each branch: all of its conditions). */
  | { op: 'anyOf'; branches: Condition[][] };

/** What a query returns of each document: the listed top-level fields (with `_id`), or `all`. */
export type Selection = 'all' | Record<string, FieldType | 'any'>;

export interface DocumentQuery {
  collection: string;
  where: Condition[];
  /** Sort keys, most significant first; `_id` (an ObjectId) is always added last. */
  sort: TypedField[];
  order: 'asc' | 'desc';
  skip: number;
  limit: number;
  select: Selection;
}

export interface GroupTotals {
  count: number;
  /** Sum of each summed field over the group. */
  sums: Record<string, number>;
}

/**
 * Totals a collection keeps per value of one field. An adapter may keep them up to date as
 * documents are written (so that reading them does not grow with the collection) and then also
 * answer from them the counts they cover: conditions only on `groupBy` (`eq`/`in`/`ne`/`nin`),
 * `> 0` on a `countPositive` field, `>=` on the `perDay` date field, one counted element of the
 * `elements` field (with or without conditions on `groupBy`).
 */
export interface Summary {
  collection: string;
  /** The field the documents are grouped by (its value as the map's key). */
  groupBy: TypedField;
  /** Numeric fields summed per group. */
  sum: string[];
  /** Numeric fields whose documents with a value above 0 are counted. */
  countPositive?: string[];
  /** A date field whose documents are counted per UTC day. */
  perDay?: string;
  /**
   * An array field whose elements (those starting with `prefix`) are counted per group: then the
   * count of "`field` contains this one element" (and conditions on `groupBy`) is answered from
   * the totals, whatever the number of matches (a name search's total).
   */
  elements?: {
    field: string;
    prefix: string;
    /**
     * Also keep, per counted element, its documents in the order of this field (then `_id`): a
     * page of "contains this element" in that order then walks them, however rare the element.
     */
    orderedBy?: TypedField;
  };
}

export interface Page<T> {
  items: T[];
  total: number;
}

export abstract class DocumentReader {
  /** Which adapter answers (for logs and tests). */
  abstract readonly engine: string;

  abstract find<T>(query: DocumentQuery): Promise<T[]>;

  /** The number of matches; `summary`: one the collection keeps, which may answer it. */
  abstract count(collection: string, where: Condition[], summary?: Summary): Promise<number>;

  /** Count and sums per value of `groupBy`, over the whole collection. */
  abstract summarize(summary: Summary): Promise<Map<string, GroupTotals>>;

  /**
   * Gets a summary ready before requests come (an adapter that keeps it may have to build it from
   * the collection once: seconds at a million documents). Repositories call it at start-up.
   */
  async prepare(summary: Summary): Promise<void> {
    void summary;
  }

  /** One page and the number of matches. A first page that is not full holds them all: not counted. */
  async page<T>(query: DocumentQuery, summary?: Summary): Promise<Page<T>> {
    const items = await this.find<T>(query);
    const total =
      query.skip === 0 && items.length < query.limit
        ? items.length
        : await this.count(query.collection, query.where, summary);
    return { items, total };
  }
}
