import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DocumentQuery, DocumentReader, Summary } from '../../database/document-reader';
import { CustomerListCriteria, CustomerRecord, CustomerStatsRecord } from '../domain/customer';
import { CUSTOMER_STATUSES } from '../domain/customer-rules';
import { NAME_KEY_PREFIX } from '../domain/search-keys';
import { customerSearchCondition, customerStatusCondition } from './customer-filters';
import { toRecord } from './customer-documents';
import { Customer, SORT_KEYS } from './customer.schema';

/** Totals the database may keep as customers are written (stats, and the list's total by status). */
const CUSTOMER_SUMMARY: Summary = {
  collection: 'customers',
  groupBy: { field: 'status', type: 'string' },
  sum: ['active_loans', 'total_transactions'],
  countPositive: ['active_loans'],
  perDay: 'created_at',
  // A name search's total, however many customers match (phone terms match a handful).
  // and its page in the default order walks the name's customers, however rare the name.
  elements: {
    field: 'search_keys',
    prefix: NAME_KEY_PREFIX,
    orderedBy: { field: 'created_at', type: 'date' },
  },
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
 * Reads of customers, all through the read port: lookups, the list and search, statistics.
 * Exported to the audit trail as its way to find a customer by phone.
 */
@Injectable()
export class CustomerReadsRepository implements OnApplicationBootstrap {
  constructor(private readonly documents: DocumentReader) {}

  /** The totals the list and stats read are ready before the first request. */
  async onApplicationBootstrap(): Promise<void> {
    await this.documents.prepare(CUSTOMER_SUMMARY);
  }

  /**
   * The customer with this phone, through the read port (an index lookup on every engine). A write
   * may decide on it: its write is conditional on the version read.
   */
  async findByPhone(phone: string): Promise<CustomerRecord | undefined> {
    const [doc] = await this.documents.find<Customer>({
      collection: 'customers',
      where: [{ field: 'phone_number', type: 'string', op: 'eq', value: phone }],
      sort: [],
      order: 'asc',
      skip: 0,
      limit: 1,
      select: RECORD_FIELDS,
    });
    return doc ? toRecord(doc) : undefined;
  }

  async idByPhone(phone: string): Promise<string | undefined> {
    return (await this.findByPhone(phone))?.id;
  }

  async hasIdempotencyKey(id: string, key: string): Promise<boolean> {
    const matches = await this.documents.count('customers', [
      { field: '_id', type: 'objectId', op: 'eq', value: id },
      { field: 'idempotency_keys', type: 'string', op: 'containsAll', values: [key] },
    ]);
    return matches > 0;
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
