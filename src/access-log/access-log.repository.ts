import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted } from 'mongoose';
import { READ_CONNECTION } from '../database/database.constants';
import { AccessLogEntry } from './access-log-entry.schema';

export interface AccessLogCriteria {
  actor?: string;
  phone?: string;
  since?: Date;
  until?: Date;
}

/** The access log's store: batched inserts, an indexed query, a purge by age. */
@Injectable()
export class AccessLogRepository {
  constructor(
    @InjectModel(AccessLogEntry.name) private readonly entries: Model<AccessLogEntry>,
    @InjectModel(AccessLogEntry.name, READ_CONNECTION)
    private readonly reads: Model<AccessLogEntry>,
  ) {}

  /** One round trip for the whole batch. */
  async insertMany(entries: AccessLogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.entries.collection.insertMany(
      entries.map((entry) => ({ ...entry })),
      { ordered: false },
    );
  }

  /** Newest first. */
  async find(
    criteria: AccessLogCriteria,
    skip: number,
    limit: number,
  ): Promise<{ items: AccessLogEntry[]; total: number }> {
    const filter = toFilter(criteria);
    const [items, total] = await Promise.all([
      this.reads
        .find(filter)
        .sort({ at: -1, _id: -1 })
        .skip(skip)
        .limit(limit)
        .lean<AccessLogEntry[]>()
        .exec(),
      this.reads.countDocuments(filter).exec(),
    ]);
    return { items, total };
  }

  /** Deletes the entries recorded before `cutoff`; returns how many. */
  async deleteBefore(cutoff: Date): Promise<number> {
    const result = await this.entries.deleteMany({ at: trusted({ $lt: cutoff }) }).exec();
    return result.deletedCount;
  }
}

function toFilter(criteria: AccessLogCriteria): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  if (criteria.actor) filter.actor = criteria.actor;
  if (criteria.phone) filter.phone_number = criteria.phone;
  if (criteria.since || criteria.until) {
    filter.at = trusted({
      ...(criteria.since && { $gte: criteria.since }),
      ...(criteria.until && { $lte: criteria.until }),
    });
  }
  return filter;
}
