import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { Caller } from '../auth/caller';
import { pageOf, skipOf } from '../common/pagination/page.dto';
import { ApiException, validationFailed } from '../common/problem/api-exception';
import { FieldChanges, newAuditEntry } from './domain/audit-entry';
import {
  CustomerProfile,
  CustomerRecord,
  PROFILE_FIELDS,
  ProfileChanges,
} from './domain/customer';
import {
  CustomerAuditedEvent,
  CustomerCreatedEvent,
  CustomerStatusChangedEvent,
  CustomerTransactionRecordedEvent,
  CustomerUpdatedEvent,
} from './domain/customer-events';
import {
  CUSTOMER_STATUSES,
  CustomerStatus,
  STATUS_TRANSITIONS,
  StatusAction,
  TRANSACTION_EFFECTS,
  TransactionType,
  transactionRefusal,
  transitionRefusal,
} from './domain/customer-rules';
import { CustomerListQueryDto, CustomerUpdateDto } from './dto/customer.dto';
import { CustomerPageResponseDto, CustomerResponseDto } from './dto/customer-response.dto';
import { toCustomerResponse } from './dto/customer.mapper';
import { CustomerStatsResponseDto } from './dto/stats.dto';
import { etagFor, preconditionHolds, VersionPrecondition } from './if-match';
import { CustomerReadsRepository } from './persistence/customer-reads.repository';
import { CustomerWritesRepository, PhoneTakenError } from './persistence/customer-writes.repository';
import { IdempotencyRepository } from './persistence/idempotency.repository';

/**
 * A conditional write that lost a race (to another instance, or refused by the storage guard) is
 * re-evaluated against fresh state this many times, after a short random pause that grows.
 */
const MAX_WRITE_ATTEMPTS = 12;
const RETRY_PAUSE_MS = 4;
const REPLAY_WAIT_MS = 50;
const REPLAY_WAIT_ROUNDS = 20;
const NEW_CUSTOMER_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;

export interface TransactionOutcome {
  customer: CustomerResponseDto;
  /** True when an Idempotency-Key retry was answered with the first result. */
  replayed: boolean;
}

@Injectable()
export class CustomersService {
  private readonly logger = new Logger(CustomersService.name);

  constructor(
    private readonly customers: CustomerReadsRepository,
    private readonly writes: CustomerWritesRepository,
    private readonly idempotency: IdempotencyRepository,
    private readonly events: EventEmitter2,
  ) {}

  async create(profile: CustomerProfile, caller: Caller): Promise<CustomerResponseDto> {
    const entry = newAuditEntry('customer.created', caller, { ...profile, version: 1 }, new Date());
    try {
      const customer = await this.writes.insert(profile, entry);
      return this.announce(new CustomerCreatedEvent(customer.id), customer);
    } catch (error) {
      if (error instanceof PhoneTakenError) throw alreadyExists(profile.phone_number);
      throw error;
    }
  }

  async list(query: CustomerListQueryDto): Promise<CustomerPageResponseDto> {
    const { items, total } = await this.customers.list({
      statuses: query.status?.split(',').map((status) => status.trim()) as CustomerStatus[] | undefined,
      search: query.search,
      sortBy: query.sort_by,
      sortOrder: query.sort_order,
      skip: skipOf(query),
      limit: query.per_page,
    });
    return pageOf(items.map(toCustomerResponse), total, query);
  }

  async get(phone: string): Promise<CustomerResponseDto> {
    return toCustomerResponse(await this.require(phone));
  }

  async stats(now = new Date()): Promise<CustomerStatsResponseDto> {
    const stats = await this.customers.stats(new Date(now.getTime() - NEW_CUSTOMER_WINDOW_MS));
    const groups = CUSTOMER_STATUSES.map((status) => stats.byStatus[status]);
    const sum = (pick: (g: (typeof groups)[number]) => number) =>
      groups.reduce((total, g) => total + pick(g), 0);
    return {
      total_customers: sum((g) => g.count),
      by_status: Object.fromEntries(
        CUSTOMER_STATUSES.map((s) => [s, stats.byStatus[s].count]),
      ) as Record<CustomerStatus, number>,
      customers_with_active_loans: stats.customersWithActiveLoans,
      total_active_loans: sum((g) => g.activeLoans),
      total_transactions: sum((g) => g.transactions),
      new_customers_last_30_days: stats.newCustomersSince,
    };
  }

  /**
   * Applies the fields that differ, in one write conditional on the version read (and If-Match).
   * Every successful update bumps the version and is audited, one that repeats the current values
   * too (its audit entry then lists no changes).
   */
  async update(
    phone: string,
    dto: CustomerUpdateDto,
    precondition: VersionPrecondition | undefined,
    caller: Caller,
  ): Promise<CustomerResponseDto> {
    if (PROFILE_FIELDS.every((field) => dto[field] === undefined)) {
      throw validationFailed(
        [{ field: 'body', message: `send at least one of ${PROFILE_FIELDS.join(', ')}` }],
        'Nothing to update.',
      );
    }
    return this.withCustomer(phone, async (current) => {
      if (current.status === 'archived') {
        throw new ApiException(
          409,
          'CUSTOMER_ARCHIVED',
          `The customer ${phone} is archived and cannot be changed.`,
        );
      }
      requirePrecondition(precondition, current);
      // Every successful update bumps the version (SPEC), one that repeats the current values too;
      // its audit entry then lists no changes.
      const { changes, audit } = profileChanges(current, dto);
      const entry = newAuditEntry('customer.updated', caller, next(current), new Date(), {
        changes: audit,
      });
      try {
        const updated = await this.writes.updateProfile(current, changes, entry);
        return updated && this.announce(new CustomerUpdatedEvent(updated.id), updated);
      } catch (error) {
        if (error instanceof PhoneTakenError) throw alreadyExists(changes.phone_number ?? phone);
        throw error;
      }
    });
  }

  /**
   * One write, conditional on the exact status read (so the audit entry knows it), if required on
   * no loans, and with If-Match on the version read.
   */
  async changeStatus(
    phone: string,
    action: StatusAction,
    reason: string,
    caller: Caller,
    precondition?: VersionPrecondition,
  ): Promise<CustomerResponseDto> {
    const transition = STATUS_TRANSITIONS[action];
    return this.withCustomer(phone, async (current) => {
      requirePrecondition(precondition, current);
      const refusal = transitionRefusal(action, current);
      if (refusal === 'INVALID_STATUS_TRANSITION') {
        throw new ApiException(
          409,
          refusal,
          `Cannot ${action} a customer who is ${current.status} (${action} needs ${transition.from.join(' or ')}).`,
          undefined,
          undefined,
          { current_status: current.status, allowed_from: transition.from },
        );
      }
      if (refusal === 'CUSTOMER_HAS_ACTIVE_LOANS') {
        throw new ApiException(
          409,
          refusal,
          `Cannot ${action} a customer with ${current.active_loans} active loan(s).`,
          undefined,
          undefined,
          { active_loans: current.active_loans },
        );
      }
      const entry = newAuditEntry(
        'customer.status_changed',
        caller,
        next(current),
        new Date(),
        {
          reason,
          from_status: current.status,
          to_status: transition.to,
        },
      );
      const updated = await this.writes.changeStatus(
        current,
        transition.to,
        transition.requiresNoActiveLoans,
        entry,
      );
      return updated && this.announce(new CustomerStatusChangedEvent(updated.id), updated);
    });
  }

  /**
   * Counters, state checks, the Idempotency-Key and the version read are one conditional write. A
   * used key answers with the first response; a refusal is explained from the state read.
   */
  async recordTransaction(
    phone: string,
    type: TransactionType,
    idempotencyKey: string | undefined,
    caller: Caller,
  ): Promise<TransactionOutcome> {
    const effect = TRANSACTION_EFFECTS[type];
    return this.withCustomer(phone, async (current) => {
      if (idempotencyKey !== undefined && (await this.customers.hasIdempotencyKey(current.id, idempotencyKey)))
        return this.replay(current, idempotencyKey, type);
      const refusal = transactionRefusal(type, current);
      if (refusal === 'CUSTOMER_NOT_ACTIVE') {
        throw new ApiException(
          409,
          refusal,
          `The customer is ${current.status}; only active customers may transact.`,
        );
      }
      if (refusal === 'NO_ACTIVE_LOANS') {
        throw new ApiException(409, refusal, `The customer has no active loan to close (${type}).`);
      }
      const entry = newAuditEntry('customer.transaction_recorded', caller, next(current), new Date(), {
        transaction_type: type,
      });
      const updated = await this.writes.recordTransaction(current, effect, idempotencyKey, entry);
      if (!updated) return undefined;
      const customer = this.announce(new CustomerTransactionRecordedEvent(updated.id), updated);
      if (idempotencyKey !== undefined)
        await this.rememberResponse(updated.id, idempotencyKey, type, customer);
      return { customer, replayed: false };
    });
  }

  /** A status change's reason comes from the query or the body; both present must agree. */
  resolveReason(fromQuery: string | undefined, fromBody: string | undefined): string {
    if (fromQuery !== undefined && fromBody !== undefined && fromQuery !== fromBody) {
      throw validationFailed([
        { field: 'reason', message: 'reason differs between the query string and the body' },
      ]);
    }
    const reason = fromQuery ?? fromBody;
    if (reason === undefined) {
      throw validationFailed([
        {
          field: 'reason',
          message: 'reason is required (3-500 characters), in the query or the body',
        },
      ]);
    }
    return reason;
  }

  /**
   * Read-decide-write on the customer with this phone, as its only writer in this process.
   * `decide` answers undefined when its conditional write found the customer changed (by another
   * instance): then it runs again on fresh state, a bounded number of times.
   */
  private async withCustomer<T>(
    phone: string,
    decide: (current: CustomerRecord) => Promise<T | undefined>,
  ): Promise<T> {
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      if (attempt > 0) await pause(Math.random() * RETRY_PAUSE_MS * attempt);
      const read = await this.require(phone);
      // Another request of this process writing this customer: read again once it is done.
      const queued = this.writes.isBusy(read.id);
      const result = await this.writes.exclusive(read.id, async () => {
        const current = queued ? await this.require(phone) : read;
        // The phone moved to another customer meanwhile: resolve it again.
        return current.id === read.id ? decide(current) : undefined;
      });
      if (result !== undefined) return result;
    }
    throw concurrentModification();
  }

  private async require(phone: string): Promise<CustomerRecord> {
    const customer = await this.customers.findByPhone(phone);
    if (!customer) throw notFound(phone);
    return customer;
  }

  /** The audit entry is already in the outbox; the event only asks the relay to move it now. */
  private announce(event: CustomerAuditedEvent, customer: CustomerRecord): CustomerResponseDto {
    this.events.emit(event.name, event);
    return toCustomerResponse(customer);
  }

  private async rememberResponse(
    customerId: string,
    key: string,
    type: TransactionType,
    customer: CustomerResponseDto,
  ) {
    try {
      await this.idempotency.save(customerId, key, type, customer);
    } catch (error) {
      // The transaction stands; a retry then answers with the customer's current state.
      this.logger.warn({
        msg: 'could not store the idempotent response',
        customer_id: customerId,
        err: String(error),
      });
    }
  }

  /**
   * The first response for this key. The original request stores it just after its write, so a
   * retry racing it waits briefly; if it never appears (the process died in between), the
   * customer's current state answers.
   */
  private async replay(
    current: CustomerRecord,
    key: string,
    type: TransactionType,
  ): Promise<TransactionOutcome> {
    for (let round = 0; round < REPLAY_WAIT_ROUNDS; round++) {
      const stored = await this.idempotency.find<CustomerResponseDto>(current.id, key);
      if (stored && stored.type !== type) {
        throw new ApiException(
          409,
          'IDEMPOTENCY_KEY_REUSED',
          `This Idempotency-Key was used for a ${stored.type} transaction.`,
        );
      }
      if (stored) return { customer: stored.response, replayed: true };
      await new Promise((resolve) => setTimeout(resolve, REPLAY_WAIT_MS));
    }
    return { customer: toCustomerResponse(current), replayed: true };
  }
}

/** The fields of `dto` that differ from `current`, as a write and as the audit's from/to. */
export function profileChanges(
  current: CustomerRecord,
  dto: CustomerUpdateDto,
): { changes: ProfileChanges; audit: FieldChanges } {
  const changes: ProfileChanges = {};
  const audit: FieldChanges = {};
  for (const field of PROFILE_FIELDS) {
    const wanted = dto[field];
    const now = current[field];
    if (wanted === undefined || wanted === (now ?? null)) continue;
    changes[field] = wanted as never;
    audit[field] = { from: now ?? null, to: wanted };
  }
  return { changes, audit };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The customer as a write that succeeds leaves it: one version on. */
const next = (current: CustomerRecord) => ({
  phone_number: current.phone_number,
  version: current.version + 1,
});

/** A 412 unless If-Match names the version read; the current ETag comes along, for a knowing retry. */
function requirePrecondition(precondition: VersionPrecondition | undefined, current: CustomerRecord): void {
  if (preconditionHolds(precondition, current.version)) return;
  throw new ApiException(
    412,
    'VERSION_MISMATCH',
    `The customer is at version ${current.version}, not the one in If-Match.`,
    undefined,
    { ETag: etagFor(current.version) },
  );
}

const notFound = (phone: string) =>
  new ApiException(404, 'CUSTOMER_NOT_FOUND', `No customer has phone number ${phone}.`);

const alreadyExists = (phone: string) =>
  new ApiException(
    409,
    'CUSTOMER_ALREADY_EXISTS',
    `A customer with phone number ${phone} already exists.`,
  );

const concurrentModification = () =>
  new ApiException(
    409,
    'CONCURRENT_MODIFICATION',
    'The customer changed repeatedly while this request ran; retry it.',
  );
