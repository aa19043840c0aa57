import { Connection, Model, PipelineStage, SortOrder, trusted, Types } from 'mongoose';
import {
  Condition,
  DocumentQuery,
  DocumentReader,
  FieldType,
  GroupTotals,
  Summary,
  Value,
} from './document-reader';

type Filter = Record<string, unknown>;

/**
 * The read port on MongoDB (the production path): Mongoose queries on the read connection, served
 * by the indexes the schemas declare. Also answers on FerretDB when its PostgreSQL is out of reach.
 */
export class MongoDocumentReader extends DocumentReader {
  readonly engine = 'mongodb';

  /** `maxTimeMS`: each query's time limit, instead of the connection's default read limit. */
  constructor(
    private readonly connection: Connection,
    private readonly maxTimeMS?: number,
  ) {
    super();
  }

  async find<T>(query: DocumentQuery): Promise<T[]> {
    const direction: SortOrder = query.order === 'asc' ? 1 : -1;
    const sort: Record<string, SortOrder> = {};
    for (const { field } of query.sort) sort[field] = direction;
    sort._id = direction;
    const projection =
      query.select === 'all'
        ? undefined
        : Object.fromEntries(Object.keys(query.select).map((field) => [field, 1]));
    return this.model(query.collection)
      .find(toFilter(query.where), projection)
      .sort(sort)
      .skip(query.skip)
      .limit(query.limit)
      .setOptions(this.limits())
      .lean<T[]>()
      .exec();
  }

  count(collection: string, where: Condition[]): Promise<number> {
    return this.model(collection).countDocuments(toFilter(where)).setOptions(this.limits()).exec();
  }

  /** One accumulator per $group: FerretDB 1.24 answers 0 for every accumulator after the first. */
  async summarize(summary: Summary): Promise<Map<string, GroupTotals>> {
    const model = this.model(summary.collection);
    const group = (value: 1 | string) =>
      model
        .aggregate<{ _id: string; total: number }>([
          { $group: { _id: `$${summary.groupBy.field}`, total: { $sum: value } } } as PipelineStage,
        ])
        .option(this.limits())
        .exec();
    // One after another: on FerretDB each decodes every document in memory.
    const counts = await group(1);
    const sums: Array<Array<{ _id: string; total: number }>> = [];
    for (const field of summary.sum) sums.push(await group(`$${field}`));
    const totals = new Map<string, GroupTotals>();
    const at = (key: string) => {
      let entry = totals.get(key);
      if (!entry) totals.set(key, (entry = { count: 0, sums: {} }));
      return entry;
    };
    for (const { _id, total } of counts) at(_id).count = total;
    summary.sum.forEach((field, i) => {
      for (const { _id, total } of sums[i]) at(_id).sums[field] = total;
    });
    return totals;
  }

  private limits(): { maxTimeMS?: number } {
    return this.maxTimeMS === undefined ? {} : { maxTimeMS: this.maxTimeMS };
  }

  private model(collection: string): Model<unknown> {
    const model = Object.values(this.connection.models).find(
      (m) => m.collection.collectionName === collection,
    );
    if (!model) throw new Error(`no model for the collection ${collection}`);
    return model as Model<unknown>;
  }
}

function toValue(type: FieldType, value: Value): unknown {
  if (type === 'objectId') return new Types.ObjectId(value as string);
  if (type === 'date') return value instanceof Date ? value : new Date(value as string);
  return value;
}

/** The conditions as a filter; operators are marked trusted (the connection sanitizes the rest). */
export function toFilter(where: Condition[]): Filter {
  const parts = where.map(toPart);
  const filter: Filter = {};
  const and: Filter[] = [];
  for (const part of parts) {
    const [key] = Object.keys(part);
    if (key in filter) and.push(part);
    else Object.assign(filter, part);
  }
  if (and.length) filter.$and = and;
  return filter;
}

function toPart(condition: Condition): Filter {
  if (condition.op === 'anyOf') return { $or: condition.branches.map(toFilter) };
  const { field, type } = condition;
  const value = (v: Value) => toValue(type, v);
  switch (condition.op) {
    case 'eq':
      return { [field]: value(condition.value) };
    case 'ne':
      return { [field]: trusted({ $ne: value(condition.value) }) };
    case 'in':
      return { [field]: trusted({ $in: condition.values.map(value) }) };
    case 'nin':
      return { [field]: trusted({ $nin: condition.values.map(value) }) };
    case 'range': {
      const range: Filter = {};
      for (const op of ['gt', 'gte', 'lt', 'lte'] as const) {
        const bound = condition[op];
        if (bound !== undefined) range[`$${op}`] = value(bound);
      }
      return { [field]: trusted(range) };
    }
    case 'containsAll': {
      const values = condition.values.map(value);
      if (values.length === 1) return { [field]: values[0] };
      // The longest value is also an equality, which FerretDB pushes down (it runs $all in memory).
      const mostSelective = [...condition.values].sort(
        (a, b) => String(b).length - String(a).length,
      )[0];
      return { [field]: trusted({ $eq: value(mostSelective), $all: values }) };
    }
  }
}
