import { EventEmitter2 } from '@nestjs/event-emitter';
import type { Caller } from '../auth/caller';
import { ApiException } from '../common/problem/api-exception';
import { CustomerRecord } from './domain/customer';
import { CustomerCreatedEvent, CustomerStatusChangedEvent } from './domain/customer-events';
import { CustomersService, profileChanges } from './customers.service';
import { InMemoryCustomers, InMemoryIdempotency } from './testing/in-memory-customers';

const customer: CustomerRecord = {
  id: '6b0cbd86489a3f3bb8403731',
  phone_number: '5551234567',
  first_name: 'John',
  last_name: 'Smith',
  email: 'john@email.com',
  status: 'active',
  total_transactions: 0,
  active_loans: 0,
  version: 1,
  created_at: new Date(),
  updated_at: new Date(),
};

describe('profileChanges', () => {
  it('keeps only the fields that differ, with from and to', () => {
    expect(
      profileChanges(customer, { first_name: 'John', last_name: 'Smyth', notes: 'VIP' }),
    ).toEqual({
      changes: { last_name: 'Smyth', notes: 'VIP' },
      audit: { last_name: { from: 'Smith', to: 'Smyth' }, notes: { from: null, to: 'VIP' } },
    });
  });

  it('removes email or notes with null, and ignores removing what is absent', () => {
    expect(profileChanges(customer, { email: null, notes: null })).toEqual({
      changes: { email: null },
      audit: { email: { from: 'john@email.com', to: null } },
    });
  });

  it('finds nothing to change when every value is current', () => {
    expect(
      profileChanges(customer, { phone_number: '5551234567', email: 'john@email.com' }).changes,
    ).toEqual({});
  });
});

describe('CustomersService (in-memory repositories)', () => {
  const caller: Caller = { user: { username: 'clerk', role: 'staff' }, requestId: 'req-1' };
  const PHONE = '5551234567';
  let store: InMemoryCustomers;
  let idempotency: InMemoryIdempotency;
  let events: { emit: jest.Mock };
  let service: CustomersService;

  beforeEach(() => {
    store = new InMemoryCustomers();
    idempotency = new InMemoryIdempotency();
    events = { emit: jest.fn() };
    service = new CustomersService(
      store.reads(),
      store.writes(),
      idempotency.repository(),
      events as unknown as EventEmitter2,
    );
  });

  const create = (phone = PHONE) =>
    service.create({ phone_number: phone, first_name: 'John', last_name: 'Smith' }, caller);
  const refusal = async (work: Promise<unknown>) => {
    try {
      await work;
    } catch (error) {
      const e = error as ApiException;
      return { status: e.getStatus(), code: e.code, detail: e.detail, headers: e.headers };
    }
    throw new Error('expected a refusal');
  };

  it('creates an active customer at version 1, audits it and announces it', async () => {
    const created = await create();
    expect(created).toMatchObject({ phone_number: PHONE, status: 'active', version: 1, active_loans: 0 });
    expect(store.outbox).toEqual([
      expect.objectContaining({ action: 'customer.created', phone_number: PHONE, version: 1, request_id: 'req-1' }),
    ]);
    expect(events.emit).toHaveBeenCalledWith('customer.created', expect.any(CustomerCreatedEvent));
  });

  it('refuses a taken phone with 409 CUSTOMER_ALREADY_EXISTS', async () => {
    await create();
    expect(await refusal(create())).toMatchObject({ status: 409, code: 'CUSTOMER_ALREADY_EXISTS' });
  });

  it('updates at a new version with the changes audited, and refuses an empty update', async () => {
    await create();
    const updated = await service.update(PHONE, { notes: 'VIP' }, undefined, caller);
    expect(updated).toMatchObject({ version: 2, notes: 'VIP' });
    expect(store.outbox[1]).toMatchObject({ action: 'customer.updated', changes: { notes: { from: null, to: 'VIP' } } });
    expect(await refusal(service.update(PHONE, {}, undefined, caller))).toMatchObject({
      status: 422,
      code: 'VALIDATION_FAILED',
    });
  });

  it('answers 412 with the current ETag when If-Match names another version', async () => {
    await create();
    const stale = { kind: 'versions' as const, versions: [7] };
    expect(await refusal(service.update(PHONE, { notes: 'x' }, stale, caller))).toMatchObject({
      status: 412,
      code: 'VERSION_MISMATCH',
      headers: { ETag: '"1"' },
    });
  });

  it('retries a write that lost a race on fresh state, and gives up with 409 after a bounded number', async () => {
    await create();
    let raced = 0;
    store.interfere = (c) => {
      if (raced++ < 2) c.version += 1; // another instance wrote first
    };
    expect(await service.update(PHONE, { notes: 'x' }, undefined, caller)).toMatchObject({ version: 4 });
    store.interfere = (c) => void (c.version += 1);
    expect(await refusal(service.update(PHONE, { notes: 'y' }, undefined, caller))).toMatchObject({
      status: 409,
      code: 'CONCURRENT_MODIFICATION',
    });
  });

  it('refuses changes to an archived customer', async () => {
    await create();
    await service.changeStatus(PHONE, 'archive', 'closing the file', caller);
    expect(await refusal(service.update(PHONE, { notes: 'x' }, undefined, caller))).toMatchObject({
      status: 409,
      code: 'CUSTOMER_ARCHIVED',
    });
  });

  it('applies a status change from the table, audited with from, to and reason', async () => {
    await create();
    const suspended = await service.changeStatus(PHONE, 'suspend', 'missed payments', caller);
    expect(suspended).toMatchObject({ status: 'suspended', version: 2 });
    expect(store.outbox[1]).toMatchObject({
      action: 'customer.status_changed',
      version: 2,
      from_status: 'active',
      to_status: 'suspended',
      reason: 'missed payments',
    });
    expect(events.emit).toHaveBeenLastCalledWith('customer.status_changed', expect.any(CustomerStatusChangedEvent));
  });

  it('refuses a transition the table does not allow, and one with active loans', async () => {
    await create();
    expect(await refusal(service.changeStatus(PHONE, 'reactivate', 'why not', caller))).toMatchObject({
      status: 409,
      code: 'INVALID_STATUS_TRANSITION',
    });
    await service.recordTransaction(PHONE, 'loan_opened', undefined, caller);
    expect(await refusal(service.changeStatus(PHONE, 'deactivate', 'moving away', caller))).toMatchObject({
      status: 409,
      code: 'CUSTOMER_HAS_ACTIVE_LOANS',
    });
  });

  it('applies transaction effects and explains refusals', async () => {
    await create();
    expect(await refusal(service.recordTransaction(PHONE, 'loan_redeemed', undefined, caller))).toMatchObject({
      status: 409,
      code: 'NO_ACTIVE_LOANS',
    });
    const opened = await service.recordTransaction(PHONE, 'loan_opened', undefined, caller);
    expect(opened.customer).toMatchObject({ active_loans: 1, total_transactions: 1 });
    await service.changeStatus(PHONE, 'suspend', 'missed payments', caller);
    expect(await refusal(service.recordTransaction(PHONE, 'sale', undefined, caller))).toMatchObject({
      status: 409,
      code: 'CUSTOMER_NOT_ACTIVE',
    });
    const forfeited = await service.recordTransaction(PHONE, 'loan_forfeited', undefined, caller);
    expect(forfeited.customer).toMatchObject({ active_loans: 0, total_transactions: 1 });
  });

  it('answers a retried Idempotency-Key with the first result and counts it once', async () => {
    await create();
    const first = await service.recordTransaction(PHONE, 'purchase', 'ticket-1', caller);
    await service.update(PHONE, { notes: 'later change' }, undefined, caller);
    const retry = await service.recordTransaction(PHONE, 'purchase', 'ticket-1', caller);
    expect(retry).toEqual({ customer: first.customer, replayed: true });
    expect((await service.get(PHONE)).total_transactions).toBe(1);
    expect(await refusal(service.recordTransaction(PHONE, 'sale', 'ticket-1', caller))).toMatchObject({
      status: 409,
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
  });

  it('answers 404 CUSTOMER_NOT_FOUND for an unknown phone on every route', async () => {
    for (const work of [
      service.get(PHONE),
      service.update(PHONE, { notes: 'x' }, undefined, caller),
      service.changeStatus(PHONE, 'suspend', 'reason', caller),
      service.recordTransaction(PHONE, 'sale', undefined, caller),
    ])
      expect(await refusal(work)).toMatchObject({ status: 404, code: 'CUSTOMER_NOT_FOUND' });
  });

  it('sums statistics over the statuses', async () => {
    await create('5550000001');
    await create('5550000002');
    await service.recordTransaction('5550000001', 'loan_opened', undefined, caller);
    await service.changeStatus('5550000002', 'ban', 'fraud', caller);
    expect(await service.stats()).toEqual({
      total_customers: 2,
      by_status: { active: 1, suspended: 0, banned: 1, deactivated: 0, archived: 0 },
      customers_with_active_loans: 1,
      total_active_loans: 1,
      total_transactions: 1,
      new_customers_last_30_days: 2,
    });
  });

  it('takes the reason from the query or the body, and refuses two different ones or none', () => {
    expect(service.resolveReason('from query', undefined)).toBe('from query');
    expect(service.resolveReason(undefined, 'from body')).toBe('from body');
    expect(() => service.resolveReason('a reason', 'another')).toThrow(ApiException);
    expect(() => service.resolveReason(undefined, undefined)).toThrow(ApiException);
  });
});
