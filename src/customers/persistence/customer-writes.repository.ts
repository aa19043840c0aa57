import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted, Types, UpdateQuery } from 'mongoose';
import { DatabaseEngine } from '../../database/database-engine';
import { REVISION_FIELD } from '../../database/database.constants';
import type { AuditEntry } from '../domain/audit-entry';
import type { CustomerProfile, CustomerRecord, ProfileChanges } from '../domain/customer';
import type { CustomerStatus, TransactionEffect } from '../domain/customer-rules';
import { definedOnly, derivedFields, pendingEntry, toRecord } from './customer-documents';
import { Customer } from './customer.schema';

/** The unique phone index refused a write. */
export class PhoneTakenError extends Error {}

/** The newest transaction Idempotency-Keys kept per customer. */
export const IDEMPOTENCY_KEYS_KEPT = 100;

/** The lock key of one customer's writes (shared with the outbox and the search-keys migration). */
export const customerLock = (id: string) => `customer:${id}`;

/**
 * Changes to customers. Every write is one conditional findOneAndUpdate that bumps the version
 * (and the storage revision), stamps updated_at and puts its audit entry in the customer's
 * outbox, all in one atomic write; writes to one customer are also serialized in this process
 * (`exclusive`). A write refused as stale by the storage is a lost race: undefined, like a write
 * whose conditions no longer hold.
 */
@Injectable()
export class CustomerWritesRepository {
  constructor(
    @InjectModel(Customer.name) private readonly customers: Model<Customer>,
    private readonly engine: DatabaseEngine,
  ) {}

  /** Runs `work` as the only writer of this customer in this process (the writes below join in). */
  exclusive<T>(customerId: string, work: () => Promise<T>): Promise<T> {
    return this.engine.exclusive(customerLock(customerId), work);
  }

  /** Whether a request of this process is writing this customer (or waiting to). */
  isBusy(customerId: string): boolean {
    return this.engine.isBusy(customerLock(customerId));
  }

  /** Inserts a new active customer with its creation audit entry in the outbox. */
  async insert(profile: CustomerProfile, entry: AuditEntry): Promise<CustomerRecord> {
    const at = entry.at;
    try {
      const doc = await this.customers.create({
        ...definedOnly(profile),
        ...derivedFields(profile),
        status: 'active',
        total_transactions: 0,
        active_loans: 0,
        version: 1,
        created_at: at,
        updated_at: at,
        pending_audit: [pendingEntry(entry)],
        audit_pending: true,
        idempotency_keys: [],
        [REVISION_FIELD]: 0,
      });
      return toRecord(doc.toObject());
    } catch (error) {
      throw this.engine.isDuplicateKey(error) ? new PhoneTakenError() : error;
    }
  }

  /**
   * Applies profile changes if the customer is still at `version` and not archived; undefined
   * when it is not. Throws PhoneTakenError when the new phone belongs to someone else.
   */
  async updateProfile(
    current: CustomerRecord,
    changes: ProfileChanges,
    entry: AuditEntry,
  ): Promise<CustomerRecord | undefined> {
    const next = { ...current, ...changes } as CustomerProfile;
    const set: Record<string, unknown> = { ...derivedFields(next) };
    const unset: Record<string, 1> = {};
    for (const [field, value] of Object.entries(changes)) {
      if (value === null) unset[field] = 1;
      else if (value !== undefined) set[field] = value;
    }
    const filter = {
      _id: new Types.ObjectId(current.id),
      version: current.version,
      status: trusted({ $ne: 'archived' }),
    };
    return this.write(current.id, filter, auditedUpdate(entry, { set, unset }));
  }

  /**
   * Moves the customer to `to` if it is still as read: same version (hence same status), and no
   * loans when required. Undefined when it is not.
   */
  async changeStatus(
    current: CustomerRecord,
    to: CustomerStatus,
    requiresNoActiveLoans: boolean,
    entry: AuditEntry,
  ): Promise<CustomerRecord | undefined> {
    const filter = {
      _id: new Types.ObjectId(current.id),
      version: current.version,
      status: current.status,
      ...(requiresNoActiveLoans ? { active_loans: 0 } : {}),
    };
    return this.write(current.id, filter, auditedUpdate(entry, { set: { status: to } }));
  }

  /**
   * Applies a transaction's effect if the customer is still at the version read, its state allows
   * it and the Idempotency-Key was not used yet, all checked and changed in one write; undefined
   * when refused.
   */
  async recordTransaction(
    current: CustomerRecord,
    effect: TransactionEffect,
    idempotencyKey: string | undefined,
    entry: AuditEntry,
  ): Promise<CustomerRecord | undefined> {
    const filter: Record<string, unknown> = {
      _id: new Types.ObjectId(current.id),
      version: current.version,
    };
    if (effect.requiresActiveCustomer) filter.status = 'active';
    if (effect.requiresActiveLoan) filter.active_loans = trusted({ $gt: 0 });
    if (idempotencyKey !== undefined) filter.idempotency_keys = trusted({ $ne: idempotencyKey });
    const update = auditedUpdate(entry, {
      inc: { active_loans: effect.activeLoans, total_transactions: effect.totalTransactions },
      push:
        idempotencyKey === undefined
          ? {}
          : { idempotency_keys: { $each: [idempotencyKey], $slice: -IDEMPOTENCY_KEYS_KEPT } },
    });
    const doc = await this.writeDocument(current.id, filter, update);
    if (!doc) return undefined;
    if (!this.engine.boundsPushedArrays && doc.idempotency_keys.length > IDEMPOTENCY_KEYS_KEPT)
      await this.trimIdempotencyKeys(doc);
    return toRecord(doc);
  }

  private async write(
    id: string,
    filter: Record<string, unknown>,
    update: UpdateQuery<Customer>,
  ): Promise<CustomerRecord | undefined> {
    const doc = await this.writeDocument(id, filter, update);
    return doc ? toRecord(doc) : undefined;
  }

  /** One conditional write; undefined when its conditions no longer hold or the storage refused a stale write. */
  private writeDocument(
    id: string,
    filter: Record<string, unknown>,
    update: UpdateQuery<Customer>,
  ): Promise<Customer | undefined> {
    return this.exclusive(id, async () => {
      try {
        const doc = await this.customers
          .findOneAndUpdate(filter, update, { returnDocument: 'after' })
          .lean<Customer>()
          .exec();
        return doc ?? undefined;
      } catch (error) {
        if (this.engine.isWriteConflict(error)) return undefined;
        throw this.engine.isDuplicateKey(error) ? new PhoneTakenError() : error;
      }
    });
  }

  /** Where `$push` ignores `$slice`, the list is cut back to its newest keys after the write. */
  private async trimIdempotencyKeys(doc: Customer): Promise<void> {
    try {
      await this.customers
        .findOneAndUpdate(
          { _id: doc._id, version: doc.version },
          {
            $set: { idempotency_keys: doc.idempotency_keys.slice(-IDEMPOTENCY_KEYS_KEPT) },
            $inc: this.engine.revisionBump,
          },
        )
        .lean()
        .exec();
    } catch (error) {
      // Another write came first; the next transaction trims the list.
      if (!this.engine.isWriteConflict(error)) throw error;
    }
  }
}

/** Every write bumps the version, stamps updated_at and puts its audit entry in the outbox. */
function auditedUpdate(
  entry: AuditEntry,
  parts: {
    set?: Record<string, unknown>;
    unset?: Record<string, 1>;
    inc?: Record<string, number>;
    push?: Record<string, unknown>;
  },
): UpdateQuery<Customer> {
  const update: UpdateQuery<Customer> = {
    $set: { ...parts.set, updated_at: entry.at, audit_pending: true },
    $inc: { ...parts.inc, version: 1, [REVISION_FIELD]: 1 },
    $push: { pending_audit: pendingEntry(entry), ...parts.push },
  };
  if (parts.unset && Object.keys(parts.unset).length > 0) update.$unset = parts.unset;
  return update;
}
