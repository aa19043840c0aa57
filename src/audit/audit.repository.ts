import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted, Types } from 'mongoose';
import { READ_CONNECTION } from '../database/database.constants';
import { AuditAction } from '../customers/domain/audit-entry';
import type { PendingAuditEntry } from '../customers/persistence/audit-outbox.repository';
import { DatabaseEngine } from '../database/database-engine';
import { AuditEvent } from './audit-event.schema';

export interface AuditCriteria {
  customerId?: string;
  action?: AuditAction;
  actor?: string;
  /** Events recorded under this phone, or (when known) of the customer holding it now. */
  phone?: { phoneNumber: string; holderId?: string };
  since?: Date;
  until?: Date;
}

/**
 * A customer's history: newest version first, whichever instance and clock recorded it; events
 * from before versions were recorded have none, and sort after every versioned one, by time.
 */
const HISTORY_ORDER = { version: -1, at: -1, _id: -1 } as const;
/** Across customers: newest first by time. */
const TIME_ORDER = { at: -1, _id: -1 } as const;

export type AuditEventRecord = Omit<AuditEvent, '_id' | 'customer_id'>;

/** The audit store. Inserting an entry twice stores it once. */
@Injectable()
export class AuditRepository {
  constructor(
    @InjectModel(AuditEvent.name) private readonly events: Model<AuditEvent>,
    @InjectModel(AuditEvent.name, READ_CONNECTION) private readonly reads: Model<AuditEvent>,
    private readonly engine: DatabaseEngine,
  ) {}

  async insertAll(customerId: string, entries: PendingAuditEntry[]): Promise<void> {
    for (const { id, ...entry } of entries) {
      try {
        await this.events.create({
          ...entry,
          _id: id,
          customer_id: new Types.ObjectId(customerId),
        });
      } catch (error) {
        if (!this.engine.isDuplicateKey(error)) throw error;
      }
    }
  }

  /** Newest first (see HISTORY_ORDER and TIME_ORDER). */
  async find(
    criteria: AuditCriteria,
    skip: number,
    limit: number,
  ): Promise<{ items: AuditEventRecord[]; total: number }> {
    const filter = toFilter(criteria);
    const [docs, total] = await Promise.all([
      this.reads
        .find(filter)
        .sort(criteria.customerId ? HISTORY_ORDER : TIME_ORDER)
        .skip(skip)
        .limit(limit)
        .lean<AuditEvent[]>()
        .exec(),
      this.reads.countDocuments(filter).exec(),
    ]);
    return { items: docs, total };
  }
}

function toFilter(criteria: AuditCriteria): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  if (criteria.customerId) filter.customer_id = new Types.ObjectId(criteria.customerId);
  if (criteria.action) filter.action = criteria.action;
  if (criteria.actor) filter['actor.username'] = criteria.actor;
  if (criteria.since || criteria.until) {
    filter.at = trusted({
      ...(criteria.since && { $gte: criteria.since }),
      ...(criteria.until && { $lte: criteria.until }),
    });
  }
  if (criteria.phone) {
    const { phoneNumber, holderId } = criteria.phone;
    if (holderId)
      filter.$or = [{ phone_number: phoneNumber }, { customer_id: new Types.ObjectId(holderId) }];
    else filter.phone_number = phoneNumber;
  }
  return filter;
}
