import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted, Types, UpdateQuery } from 'mongoose';
import type { AuditEntry } from '../audit/audit-entry';
import {
  CUSTOMER_STATUSES,
  CustomerStatus,
  HIDDEN_BY_DEFAULT,
  TransactionEffect,
} from './customer-rules';
import { READ_CONNECTION } from '../database/database.constants';
import {
  Condition,
  DocumentQuery,
  DocumentReader,
  Summary,
  TypedField,
} from '../database/document-reader';
import { Customer } from './customer.schema';
import { KeyedMutex } from './keyed-mutex';
import { SEARCH_KEYS_VERSION, searchCondition, searchKeysFor, sortKey } from './search-keys';

/** A customer as the service sees it: no search keys, outbox or other storage details. */
export interface CustomerRecord {
  id: string;
  phone_number: string;
  first_name: string;
  last_name: string;
  email?: string;
  notes?: string;
  status: CustomerStatus;
  total_transactions: number;
  active_loans: number;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export type CustomerProfile = Pick<
  CustomerRecord,
  'phone_number' | 'first_name' | 'last_name' | 'email' | 'notes'
>;

/** A customer whose derived keys are out of date, with what deriving them again needs. */
export interface StaleSearchKeys {
  id: string;
  version: number;
  profile: Pick<CustomerProfile, 'phone_number' | 'first_name' | 'last_name'>;
}

/** Profile fields to set, and optional ones to remove (`null`). */
export type ProfileChanges = { [K in keyof CustomerProfile]?: CustomerProfile[K] | null };

export const CUSTOMER_SORT_FIELDS = [
  'created_at',
  'updated_at',
  'first_name',
  'last_name',
  'phone_number',
  'total_transactions',
  'active_loans',
] as const;
export type CustomerSortField = (typeof CUSTOMER_SORT_FIELDS)[number];

export interface CustomerListCriteria {
  statuses?: CustomerStatus[];
  search?: string;
  sortBy: CustomerSortField;
  sortOrder: 'asc' | 'desc';
  skip: number;
  limit: number;
}

export interface CustomerStatsRecord {
  byStatus: Record<CustomerStatus, { count: number; activeLoans: number; transactions: number }>;
  customersWithActiveLoans: number;
  newCustomersSince: number;
}

/** The unique phone index refused a write. */
export class PhoneTakenError extends Error {}

const SORT_KEYS: Record<CustomerSortField, TypedField[]> = {
  created_at: [{ field: 'created_at', type: 'date' }],
  updated_at: [{ field: 'updated_at', type: 'date' }],
  first_name: [
    { field: 'first_name_sort', type: 'string' },
    { field: 'last_name_sort', type: 'string' },
  ],
  last_name: [
    { field: 'last_name_sort', type: 'string' },
    { field: 'first_name_sort', type: 'string' },
  ],
  phone_number: [{ field: 'phone_number', type: 'string' }],
  total_transactions: [{ field: 'total_transactions', type: 'number' }],
  active_loans: [{ field: 'active_loans', type: 'number' }],
};

/** Totals the database may keep as customers are written (stats, and the list's total by status). */
const CUSTOMER_SUMMARY: Summary = {
  collection: 'customers',
  groupBy: { field: 'status', type: 'string' },
  sum: ['active_loans', 'total_transactions'],
  countPositive: ['active_loans'],
  perDay: 'created_at',
};

/** What a page returns of each customer (what toRecord reads), with the stored types. */
const RECORD_FIELDS: Exclude<DocumentQuery['select'], 'all'> = {
  phone_number: 'string',
  first_name: 'string',
  last_name: 'string',
  email: 'string',
  notes: 'string',
  status: 'string',
  total_transactions: 'number',
  active_loans: 'number',
  version: 'number',
  created_at: 'date',
  updated_at: 'date',
};

const INTERNAL_FIELDS = {
  search_keys: 0,
  first_name_sort: 0,
  last_name_sort: 0,
  pending_audit: 0,
  audit_pending: 0,
  idempotency_keys: 0,
} as const;

/** The newest transaction Idempotency-Keys kept per customer. */
export const IDEMPOTENCY_KEYS_KEPT = 100;

/**
 * Customers in MongoDB. Every write is one conditional findOneAndUpdate (FerretDB refuses a
 * projection there, so the full document comes back and is mapped); reads leave internals out.
 * Writes to one customer are also serialized in this process (see KeyedMutex).
 */
@Injectable()
export class CustomersRepository {
  private readonly writes = new KeyedMutex();

  constructor(
    @InjectModel(Customer.name) private readonly customers: Model<Customer>,
    // Reads that decide nothing (pages, lookups, stats) use their own pool: see DatabaseModule.
    @InjectModel(Customer.name, READ_CONNECTION) private readonly reads: Model<Customer>,
    private readonly documents: DocumentReader,
  ) {}

  async findByPhone(phone: string): Promise<CustomerRecord | undefined> {
    const doc = await this.reads
      .findOne({ phone_number: phone }, INTERNAL_FIELDS)
      .lean<Customer>()
      .exec();
    return doc ? toRecord(doc) : undefined;
  }

  /** Runs `work` as the only writer of this customer in this process (the repository's writes join in). */
  exclusive<T>(customerId: string, work: () => Promise<T>): Promise<T> {
    return this.writes.run(customerId, work);
  }

  async findById(id: string): Promise<CustomerRecord | undefined> {
    const doc = await this.customers
      .findOne({ _id: new Types.ObjectId(id) }, INTERNAL_FIELDS)
      .lean<Customer>()
      .exec();
    return doc ? toRecord(doc) : undefined;
  }

  /** Up to `limit` customers whose search and sort keys were derived by an older SEARCH_KEYS_VERSION. */
  async withStaleSearchKeys(limit: number): Promise<StaleSearchKeys[]> {
    const docs = await this.reads
      .find(
        { search_keys_version: trusted({ $ne: SEARCH_KEYS_VERSION }) },
        { _id: 1, version: 1, phone_number: 1, first_name: 1, last_name: 1 },
      )
      .limit(limit)
      .lean<Array<Customer & { _id: Types.ObjectId }>>()
      .exec();
    return docs.map(({ _id, version, phone_number, first_name, last_name }) => ({
      id: _id.toHexString(),
      version,
      profile: { phone_number, first_name, last_name },
    }));
  }

  /**
   * Rewrites one customer's derived keys from the names and phone read with them, if it is still
   * at that version (a write since then derived them already): one conditional write. Not a
   * change of the customer: no new version, no audit entry.
   */
  async rewriteSearchKeys({ id, version, profile }: StaleSearchKeys): Promise<boolean> {
    const result = await this.writes.run(id, () =>
      this.customers
        .updateOne({ _id: new Types.ObjectId(id), version }, { $set: derivedFields(profile) })
        .exec(),
    );
    return result.modifiedCount > 0;
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
        pending_audit: [entry],
        audit_pending: true,
        idempotency_keys: [],
      });
      return toRecord(doc.toObject());
    } catch (error) {
      throw isDuplicateKey(error) ? new PhoneTakenError() : error;
    }
  }

  async list(criteria: CustomerListCriteria): Promise<{ items: CustomerRecord[]; total: number }> {
    const search = searchCondition(criteria.search);
    const { items, total } = await this.documents.page<Customer>(
      {
        collection: 'customers',
        where: [statusCondition(criteria.statuses), ...(search ? [search] : [])],
        sort: SORT_KEYS[criteria.sortBy],
        order: criteria.sortOrder,
        skip: criteria.skip,
        limit: criteria.limit,
        select: RECORD_FIELDS,
      },
      CUSTOMER_SUMMARY,
    );
    return { items: items.map(toRecord), total };
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
   * Moves the customer from exactly `from` to `to`, if it still is `from` (and has no loans, when
   * required; and is still at `expectedVersion`, when given).
   */
  async changeStatus(
    id: string,
    from: CustomerStatus,
    to: CustomerStatus,
    requiresNoActiveLoans: boolean,
    entry: AuditEntry,
    expectedVersion?: number,
  ): Promise<CustomerRecord | undefined> {
    const filter = {
      _id: new Types.ObjectId(id),
      status: from,
      ...(requiresNoActiveLoans ? { active_loans: 0 } : {}),
      ...(expectedVersion !== undefined ? { version: expectedVersion } : {}),
    };
    return this.write(id, filter, auditedUpdate(entry, { set: { status: to } }));
  }

  /**
   * Applies a transaction's effect if the customer's state allows it and the Idempotency-Key was
   * not used yet, all checked and changed in one write; undefined when refused.
   */
  async recordTransaction(
    phone: string,
    effect: TransactionEffect,
    idempotencyKey: string | undefined,
    newEntry: () => AuditEntry,
  ): Promise<CustomerRecord | undefined> {
    const id = await this.idByPhone(phone);
    if (!id) return undefined;
    const filter: Record<string, unknown> = { _id: new Types.ObjectId(id), phone_number: phone };
    if (effect.requiresActiveCustomer) filter.status = 'active';
    if (effect.requiresActiveLoan) filter.active_loans = trusted({ $gt: 0 });
    if (idempotencyKey !== undefined) filter.idempotency_keys = trusted({ $ne: idempotencyKey });
    return this.writes.run(id, async () => {
      // Stamped once this is the customer's only writer, so that audit times follow write order.
      const update = auditedUpdate(newEntry(), {
        inc: { active_loans: effect.activeLoans, total_transactions: effect.totalTransactions },
        // $slice bounds the list on MongoDB; FerretDB ignores it, so trimIdempotencyKeys backs it up.
        push:
          idempotencyKey === undefined
            ? {}
            : { idempotency_keys: { $each: [idempotencyKey], $slice: -IDEMPOTENCY_KEYS_KEPT } },
      });
      const doc = await this.customers
        .findOneAndUpdate(filter, update, { returnDocument: 'after' })
        .lean<Customer>()
        .exec();
      if (!doc) return undefined;
      if (doc.idempotency_keys.length > IDEMPOTENCY_KEYS_KEPT) await this.trimIdempotencyKeys(doc);
      return toRecord(doc);
    });
  }

  async hasIdempotencyKey(id: string, key: string): Promise<boolean> {
    return (
      (await this.customers
        .countDocuments({ _id: new Types.ObjectId(id), idempotency_keys: key })
        .exec()) > 0
    );
  }

  async idByPhone(phone: string): Promise<string | undefined> {
    const doc = await this.customers
      .findOne({ phone_number: phone }, { _id: 1 })
      .lean<{ _id: Types.ObjectId }>()
      .exec();
    return doc?._id.toHexString();
  }

  async stats(createdSince: Date): Promise<CustomerStatsRecord> {
    const [groups, customersWithActiveLoans, newCustomersSince] = await Promise.all([
      this.documents.summarize(CUSTOMER_SUMMARY),
      this.documents.count(
        'customers',
        [{ field: 'active_loans', type: 'number', op: 'range', gt: 0 }],
        CUSTOMER_SUMMARY,
      ),
      this.documents.count(
        'customers',
        [{ field: 'created_at', type: 'date', op: 'range', gte: createdSince }],
        CUSTOMER_SUMMARY,
      ),
    ]);
    const byStatus = Object.fromEntries(
      CUSTOMER_STATUSES.map((status) => {
        const group = groups.get(status);
        return [
          status,
          {
            count: group?.count ?? 0,
            activeLoans: group?.sums.active_loans ?? 0,
            transactions: group?.sums.total_transactions ?? 0,
          },
        ];
      }),
    ) as CustomerStatsRecord['byStatus'];
    return { byStatus, customersWithActiveLoans, newCustomersSince };
  }

  // --- audit outbox ---

  /** The customer's outbox, and whether it is flagged as having entries (undefined when no such customer). */
  async pendingAudit(
    customerId: string,
  ): Promise<{ entries: AuditEntry[]; flagged: boolean } | undefined> {
    const doc = await this.customers
      .findOne({ _id: new Types.ObjectId(customerId) }, { pending_audit: 1, audit_pending: 1 })
      .lean<Pick<Customer, 'pending_audit' | 'audit_pending'>>()
      .exec();
    return doc ? { entries: doc.pending_audit ?? [], flagged: doc.audit_pending } : undefined;
  }

  /**
   * Removes relayed entries from the outbox and lowers its flag once it is empty. Entries that
   * arrived meanwhile stay, and so does the flag.
   */
  async removePendingAudit(customerId: string, relayed: AuditEntry[]): Promise<void> {
    const _id = new Types.ObjectId(customerId);
    const emptyIfOnly = (entries: AuditEntry[]) =>
      this.customers
        .findOneAndUpdate(
          { _id, pending_audit: entries },
          { $set: { pending_audit: [], audit_pending: false } },
        )
        .lean()
        .exec();
    await this.writes.run(customerId, async () => {
      if ((await emptyIfOnly(relayed)) || relayed.length === 0) return;
      const rest = await this.customers
        .findOneAndUpdate(
          { _id },
          { $pullAll: { pending_audit: relayed } },
          { returnDocument: 'after' },
        )
        .lean<Customer>()
        .exec();
      if (rest && rest.pending_audit.length === 0) await emptyIfOnly([]);
    });
  }

  async idsWithPendingAudit(limit: number): Promise<string[]> {
    const docs = await this.customers
      .find({ audit_pending: true }, { _id: 1 })
      .limit(limit)
      .lean<{ _id: Types.ObjectId }[]>()
      .exec();
    return docs.map((doc) => doc._id.toHexString());
  }

  private write(
    id: string,
    filter: Record<string, unknown>,
    update: UpdateQuery<Customer>,
  ): Promise<CustomerRecord | undefined> {
    return this.writes.run(id, async () => {
      try {
        const doc = await this.customers
          .findOneAndUpdate(filter, update, { returnDocument: 'after' })
          .lean<Customer>()
          .exec();
        return doc ? toRecord(doc) : undefined;
      } catch (error) {
        throw isDuplicateKey(error) ? new PhoneTakenError() : error;
      }
    });
  }

  private async trimIdempotencyKeys(doc: Customer): Promise<void> {
    await this.customers
      .findOneAndUpdate(
        { _id: doc._id, version: doc.version },
        { $set: { idempotency_keys: doc.idempotency_keys.slice(-IDEMPOTENCY_KEYS_KEPT) } },
      )
      .lean()
      .exec();
  }
}

function statusCondition(statuses: CustomerStatus[] | undefined): Condition {
  const field = 'status';
  if (statuses && statuses.length === 1)
    return { field, type: 'string', op: 'eq', value: statuses[0] };
  if (statuses && statuses.length > 1) return { field, type: 'string', op: 'in', values: statuses };
  // A single $ne is pushed down to FerretDB's backend; $nin would be evaluated in memory.
  if (HIDDEN_BY_DEFAULT.length === 1)
    return { field, type: 'string', op: 'ne', value: HIDDEN_BY_DEFAULT[0] };
  return { field, type: 'string', op: 'nin', values: [...HIDDEN_BY_DEFAULT] };
}

function derivedFields(
  profile: Pick<CustomerProfile, 'phone_number' | 'first_name' | 'last_name'>,
) {
  return {
    search_keys: searchKeysFor(profile),
    first_name_sort: sortKey(profile.first_name),
    last_name_sort: sortKey(profile.last_name),
    search_keys_version: SEARCH_KEYS_VERSION,
  };
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
    $inc: { ...parts.inc, version: 1 },
    $push: { pending_audit: entry, ...parts.push },
  };
  if (parts.unset && Object.keys(parts.unset).length > 0) update.$unset = parts.unset;
  return update;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined && v !== null),
  ) as Partial<T>;
}

/** MongoDB answers 11000; FerretDB answers some findAndModify violations with PostgreSQL's message. */
export function isDuplicateKey(error: unknown): boolean {
  const err = error as { code?: number; message?: string } | undefined;
  return err?.code === 11000 || /duplicate key/i.test(err?.message ?? '');
}

function toRecord(doc: Customer): CustomerRecord {
  const record: CustomerRecord = {
    id: doc._id.toHexString(),
    phone_number: doc.phone_number,
    first_name: doc.first_name,
    last_name: doc.last_name,
    status: doc.status,
    total_transactions: doc.total_transactions,
    active_loans: doc.active_loans,
    version: doc.version,
    created_at: doc.created_at,
    updated_at: doc.updated_at,
  };
  if (doc.email != null) record.email = doc.email;
  if (doc.notes != null) record.notes = doc.notes;
  return record;
}
