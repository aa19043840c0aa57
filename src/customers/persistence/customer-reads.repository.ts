import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, SortOrder, trusted, Types } from 'mongoose';
import { DatabaseEngine } from '../../database/database-engine';
import { READ_CONNECTION } from '../../database/database.constants';
import {
  CustomerListCriteria,
  CustomerRecord,
  CustomerSortField,
  CustomerStatsRecord,
} from '../domain/customer';
import { CUSTOMER_STATUSES } from '../domain/customer-rules';
import { customerSearchFilter, customerStatusFilter } from './customer-filters';
import { INTERNAL_FIELDS, toRecord } from './customer-documents';
import { Customer } from './customer.schema';

const SORT_KEYS: Record<CustomerSortField, string[]> = {
  created_at: ['created_at'],
  updated_at: ['updated_at'],
  first_name: ['first_name_sort', 'last_name_sort'],
  last_name: ['last_name_sort', 'first_name_sort'],
  phone_number: ['phone_number'],
  total_transactions: ['total_transactions'],
  active_loans: ['active_loans'],
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
    private readonly engine: DatabaseEngine,
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

  async list(criteria: CustomerListCriteria): Promise<{ items: CustomerRecord[]; total: number }> {
    const filter = {
      ...customerStatusFilter(criteria.statuses, this.engine),
      ...customerSearchFilter(criteria.search, this.engine),
    };
    const direction: SortOrder = criteria.sortOrder === 'asc' ? 1 : -1;
    const sort: Record<string, SortOrder> = {};
    for (const key of [...SORT_KEYS[criteria.sortBy], '_id']) sort[key] = direction;
    const docs = await this.reads
      .find(filter, INTERNAL_FIELDS)
      .sort(sort)
      .skip(criteria.skip)
      .limit(criteria.limit)
      .lean<Customer[]>()
      .exec();
    // A first page that is not full already holds every match: no need to count.
    const total =
      criteria.skip === 0 && docs.length < criteria.limit
        ? docs.length
        : await this.reads.countDocuments(filter).exec();
    return { items: docs.map(toRecord), total };
  }

  async stats(createdSince: Date): Promise<CustomerStatsRecord> {
    const [sums, customersWithActiveLoans, newCustomersSince] = await Promise.all([
      this.engine.sumsByGroup(this.reads as unknown as Model<never>, 'status', {
        count: 1,
        activeLoans: '$active_loans',
        transactions: '$total_transactions',
      }),
      this.reads.countDocuments({ active_loans: trusted({ $gt: 0 }) }).exec(),
      this.reads.countDocuments({ created_at: trusted({ $gte: createdSince }) }).exec(),
    ]);
    const byStatus = Object.fromEntries(
      CUSTOMER_STATUSES.map((status) => [
        status,
        sums.get(status) ?? { count: 0, activeLoans: 0, transactions: 0 },
      ]),
    ) as CustomerStatsRecord['byStatus'];
    return { byStatus, customersWithActiveLoans, newCustomersSince };
  }
}
