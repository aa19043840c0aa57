import type { AuditEntry } from '../domain/audit-entry';
import type {
  CustomerListCriteria,
  CustomerProfile,
  CustomerRecord,
  CustomerStatsRecord,
  ProfileChanges,
} from '../domain/customer';
import { CUSTOMER_STATUSES, CustomerStatus, TransactionEffect } from '../domain/customer-rules';
import type { CustomerReadsRepository } from '../persistence/customer-reads.repository';
import {
  type CustomerWritesRepository,
  PhoneTakenError,
} from '../persistence/customer-writes.repository';
import type { IdempotencyRepository, StoredResponse } from '../persistence/idempotency.repository';

/**
 * Customers in memory, with the conditional-write semantics of the repositories (each write
 * checks its conditions and applies atomically; undefined when refused), for the service's unit
 * tests. `interfere` runs before a conditional write: a test makes another writer win there.
 */
export class InMemoryCustomers {
  readonly byId = new Map<string, CustomerRecord & { idempotency_keys: string[] }>();
  readonly outbox: AuditEntry[] = [];
  interfere?: (customer: CustomerRecord) => void;
  private nextId = 1;

  reads(): CustomerReadsRepository {
    return {
      findByPhone: async (phone: string) => this.copy(this.find(phone)),
      idByPhone: async (phone: string) => this.find(phone)?.id,
      hasIdempotencyKey: async (id: string, key: string) =>
        this.byId.get(id)?.idempotency_keys.includes(key) ?? false,
      list: async (criteria: CustomerListCriteria) => {
        const items = [...this.byId.values()].filter((c) =>
          criteria.statuses ? criteria.statuses.includes(c.status) : c.status !== 'archived',
        );
        return {
          items: items.slice(criteria.skip, criteria.skip + criteria.limit).map((c) => this.copy(c)!),
          total: items.length,
        };
      },
      stats: async (since: Date): Promise<CustomerStatsRecord> => {
        const all = [...this.byId.values()];
        const byStatus = Object.fromEntries(
          CUSTOMER_STATUSES.map((status) => {
            const group = all.filter((c) => c.status === status);
            return [
              status,
              {
                count: group.length,
                activeLoans: group.reduce((n, c) => n + c.active_loans, 0),
                transactions: group.reduce((n, c) => n + c.total_transactions, 0),
              },
            ];
          }),
        ) as CustomerStatsRecord['byStatus'];
        return {
          byStatus,
          customersWithActiveLoans: all.filter((c) => c.active_loans > 0).length,
          newCustomersSince: all.filter((c) => c.created_at >= since).length,
        };
      },
    } as unknown as CustomerReadsRepository;
  }

  writes(): CustomerWritesRepository {
    return {
      exclusive: <T>(_id: string, work: () => Promise<T>) => work(),
      isBusy: () => false,
      insert: async (profile: CustomerProfile, entry: AuditEntry) => {
        if (this.find(profile.phone_number)) throw new PhoneTakenError();
        const customer = {
          ...profile,
          id: String(this.nextId++),
          status: 'active' as const,
          total_transactions: 0,
          active_loans: 0,
          version: 1,
          created_at: entry.at,
          updated_at: entry.at,
          idempotency_keys: [],
        };
        for (const key of ['email', 'notes'] as const) if (customer[key] == null) delete customer[key];
        this.byId.set(customer.id, customer);
        this.outbox.push(entry);
        return this.copy(customer)!;
      },
      updateProfile: async (current: CustomerRecord, changes: ProfileChanges, entry: AuditEntry) =>
        this.write(current.id, (c) => c.version === current.version && c.status !== 'archived', entry, (c) => {
          if (changes.phone_number && changes.phone_number !== c.phone_number && this.find(changes.phone_number))
            throw new PhoneTakenError();
          for (const [field, value] of Object.entries(changes)) {
            if (value === null) delete (c as unknown as Record<string, unknown>)[field];
            else if (value !== undefined) (c as unknown as Record<string, unknown>)[field] = value;
          }
        }),
      changeStatus: async (
        current: CustomerRecord,
        to: CustomerStatus,
        requiresNoActiveLoans: boolean,
        entry: AuditEntry,
      ) =>
        this.write(
          current.id,
          (c) => c.version === current.version && (!requiresNoActiveLoans || c.active_loans === 0),
          entry,
          (c) => void (c.status = to),
        ),
      recordTransaction: async (
        current: CustomerRecord,
        effect: TransactionEffect,
        key: string | undefined,
        entry: AuditEntry,
      ) =>
        this.write(
          current.id,
          (c) =>
            c.version === current.version &&
            (!effect.requiresActiveCustomer || c.status === 'active') &&
            (!effect.requiresActiveLoan || c.active_loans > 0) &&
            (key === undefined || !c.idempotency_keys.includes(key)),
          entry,
          (c) => {
            c.active_loans += effect.activeLoans;
            c.total_transactions += effect.totalTransactions;
            if (key !== undefined) c.idempotency_keys.push(key);
          },
        ),
    } as unknown as CustomerWritesRepository;
  }

  private async write(
    id: string,
    condition: (c: CustomerRecord & { idempotency_keys: string[] }) => boolean,
    entry: AuditEntry,
    apply: (c: CustomerRecord & { idempotency_keys: string[] }) => void,
  ): Promise<CustomerRecord | undefined> {
    const stored = this.byId.get(id);
    if (stored && this.interfere) this.interfere(stored);
    if (!stored || !condition(stored)) return undefined;
    apply(stored);
    stored.version += 1;
    stored.updated_at = entry.at;
    this.outbox.push(entry);
    return this.copy(stored);
  }

  private find(phone: string) {
    return [...this.byId.values()].find((c) => c.phone_number === phone);
  }

  private copy(customer: (CustomerRecord & { idempotency_keys?: string[] }) | undefined) {
    if (!customer) return undefined;
    const record = { ...customer };
    delete record.idempotency_keys;
    return record as CustomerRecord;
  }
}

/** First responses to keyed transactions, in memory. */
export class InMemoryIdempotency {
  readonly stored = new Map<string, StoredResponse<unknown>>();

  repository(): IdempotencyRepository {
    return {
      save: async (customerId: string, key: string, type: StoredResponse<unknown>['type'], response: unknown) =>
        void (this.stored.has(`${customerId}:${key}`) || this.stored.set(`${customerId}:${key}`, { type, response })),
      find: async (customerId: string, key: string) => this.stored.get(`${customerId}:${key}`),
    } as unknown as IdempotencyRepository;
  }
}
