import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import {
  DocumentQuery,
  DocumentReader,
  Summary,
  TypedField,
} from '../../database/document-reader';
import { READ_CONNECTION } from '../../database/database.constants';
import {
  CustomerListCriteria,
  CustomerRecord,
  CustomerSortField,
  CustomerStatsRecord,
} from '../domain/customer';
import { CUSTOMER_STATUSES } from '../domain/customer-rules';
import { customerSearchCondition, customerStatusCondition } from './customer-filters';
import { INTERNAL_FIELDS, toRecord } from './customer-documents';
import { Customer } from './customer.schema';

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

/**
 * Reads of customers: lookups, the list and search, statistics. Reads that decide nothing use
 * the read connection; `idByPhone` (which a write goes on to use) reads through the write one.
 * Exported to the audit trail as its way to find a customer by phone.
 */
@Injectable()
export class CustomerReadsRepository {
  constructor(
    @InjectModel(Customer.name) private readonly customers: Model<Customer>,
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

  async idByPhone(phone: string): Promise<string | undefined> {
    const doc = await this.customers
      .findOne({ phone_number: phone }, { _id: 1 })
      .lean<{ _id: Types.ObjectId }>()
      .exec();
    return doc?._id.toHexString();
  }

  async hasIdempotencyKey(id: string, key: string): Promise<boolean> {
    const count = await this.customers
      .countDocuments({ _id: new Types.ObjectId(id), idempotency_keys: key })
      .exec();
    return count > 0;
  }

  /** A page of the list or a search, through the read port (index-served on every engine). */
  async list(criteria: CustomerListCriteria): Promise<{ items: CustomerRecord[]; total: number }> {
    const search = customerSearchCondition(criteria.search);
    const { items, total } = await this.documents.page<Customer>(
      {
        collection: 'customers',
        where: [customerStatusCondition(criteria.statuses), ...(search ? [search] : [])],
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
}
