import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { AuditAction } from '../customers/domain/audit-entry';
import type { PendingAuditEntry } from '../customers/persistence/audit-outbox.repository';
import { DatabaseEngine } from '../database/database-engine';
import { Condition, DocumentReader, Summary, TypedField } from '../database/document-reader';
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
const HISTORY_ORDER: TypedField[] = [
  { field: 'version', type: 'number' },
  { field: 'at', type: 'date' },
];
/** Across customers: newest first by time (then `_id`, as every page). */
const TIME_ORDER: TypedField[] = [{ field: 'at', type: 'date' }];

export type AuditEventRecord = Omit<AuditEvent, '_id' | 'customer_id'>;

/** Totals the database may keep as events are written (the total of an unfiltered or by-action page). */
const AUDIT_SUMMARY: Summary = {
  collection: 'audit_events',
  groupBy: { field: 'action', type: 'string' },
  sum: [],
  perDay: 'at',
};

/** The audit store. Inserting an entry twice stores it once. */
@Injectable()
export class AuditRepository implements OnApplicationBootstrap {
  constructor(
    @InjectModel(AuditEvent.name) private readonly events: Model<AuditEvent>,
    private readonly engine: DatabaseEngine,
    private readonly documents: DocumentReader,
  ) {}

  /** The totals /audit reads are ready before the first request. */
  async onApplicationBootstrap(): Promise<void> {
    await this.documents.prepare(AUDIT_SUMMARY);
  }

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
    return this.documents.page<AuditEventRecord>(
      {
        collection: 'audit_events',
        where: toConditions(criteria),
        sort: criteria.customerId ? HISTORY_ORDER : TIME_ORDER,
        order: 'desc',
        skip,
        limit,
        select: 'all',
      },
      AUDIT_SUMMARY,
    );
  }
}

function toConditions(criteria: AuditCriteria): Condition[] {
  const where: Condition[] = [];
  const customer = (id: string): Condition => ({
    field: 'customer_id',
    type: 'objectId',
    op: 'eq',
    value: id,
  });
  if (criteria.customerId) where.push(customer(criteria.customerId));
  if (criteria.action)
    where.push({ field: 'action', type: 'string', op: 'eq', value: criteria.action });
  if (criteria.actor)
    where.push({ field: 'actor.username', type: 'string', op: 'eq', value: criteria.actor });
  if (criteria.since || criteria.until)
    where.push({
      field: 'at',
      type: 'date',
      op: 'range',
      gte: criteria.since,
      lte: criteria.until,
    });
  if (criteria.phone) {
    const { phoneNumber, holderId } = criteria.phone;
    const phone: Condition = {
      field: 'phone_number',
      type: 'string',
      op: 'eq',
      value: phoneNumber,
    };
    where.push(holderId ? { op: 'anyOf', branches: [[phone], [customer(holderId)]] } : phone);
  }
  return where;
}
