import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { DatabaseEngine } from '../../database/database-engine';
import { DocumentReader } from '../../database/document-reader';
import { PendingAuditEntry } from './customer-documents';
import { customerLock } from './customer-writes.repository';
import { Customer } from './customer.schema';

export type { PendingAuditEntry } from './customer-documents';

const REMOVE_ATTEMPTS = 5;

/**
 * The audit outbox kept in each customer document (`pending_audit`, written atomically with each
 * change): what the audit relay needs to move entries to the audit trail, and nothing else.
 * Reads go through the read port (an index lookup on every engine); writes through Mongoose.
 * Exported alone to the audit module.
 */
@Injectable()
export class AuditOutboxRepository {
  constructor(
    @InjectModel(Customer.name) private readonly customers: Model<Customer>,
    private readonly engine: DatabaseEngine,
    private readonly documents: DocumentReader,
  ) {}

  /** The customer's outbox, and whether it is flagged as having entries (undefined when no such customer). */
  async pending(
    customerId: string,
  ): Promise<{ entries: PendingAuditEntry[]; flagged: boolean } | undefined> {
    const [doc] = await this.documents.find<Pick<Customer, 'pending_audit' | 'audit_pending'>>({
      collection: 'customers',
      where: [{ field: '_id', type: 'objectId', op: 'eq', value: customerId }],
      sort: [],
      order: 'asc',
      skip: 0,
      limit: 1,
      select: { pending_audit: 'any', audit_pending: 'boolean' },
    });
    return doc ? { entries: doc.pending_audit ?? [], flagged: doc.audit_pending === true } : undefined;
  }

  /**
   * Removes relayed entries from the outbox and lowers its flag once it is empty. Entries that
   * arrived meanwhile stay, and so does the flag.
   */
  async remove(customerId: string, relayed: PendingAuditEntry[]): Promise<void> {
    const _id = new Types.ObjectId(customerId);
    const emptyIfOnly = (entries: PendingAuditEntry[]) =>
      this.customers
        .findOneAndUpdate(
          { _id, pending_audit: entries },
          { $set: { pending_audit: [], audit_pending: false }, $inc: this.engine.revisionBump },
        )
        .lean()
        .exec();
    const removeOnce = async () => {
      if ((await emptyIfOnly(relayed)) || relayed.length === 0) return;
      const rest = await this.customers
        .findOneAndUpdate(
          { _id },
          { $pullAll: { pending_audit: relayed }, $inc: this.engine.revisionBump },
          { returnDocument: 'after' },
        )
        .lean<Customer>()
        .exec();
      if (rest && rest.pending_audit.length === 0) await emptyIfOnly([]);
    };
    await this.engine.exclusive(customerLock(customerId), async () => {
      // A change made meanwhile by another instance wins; removing again starts from it.
      for (let attempt = 1; ; attempt++) {
        try {
          return await removeOnce();
        } catch (error) {
          if (!this.engine.isWriteConflict(error) || attempt >= REMOVE_ATTEMPTS) throw error;
        }
      }
    });
  }

  /** Customers whose outbox may hold entries. */
  async customersWithPending(limit: number): Promise<string[]> {
    const docs = await this.documents.find<{ _id: Types.ObjectId }>({
      collection: 'customers',
      where: [{ field: 'audit_pending', type: 'boolean', op: 'eq', value: true }],
      sort: [],
      order: 'asc',
      skip: 0,
      limit,
      select: {},
    });
    return docs.map((doc) => doc._id.toHexString());
  }
}
