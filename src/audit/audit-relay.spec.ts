import { Logger } from '@nestjs/common';
import { Types } from 'mongoose';
import { newAuditEntry } from '../customers/domain/audit-entry';
import {
  AuditOutboxRepository,
  PendingAuditEntry as AuditEntry,
} from '../customers/persistence/audit-outbox.repository';
import { pendingEntry } from '../customers/persistence/customer-documents';
import { CustomerTransactionRecordedEvent } from '../customers/domain/customer-events';
import { AuditListener } from './audit.listener';
import { AuditRelay, RELAY_ATTEMPTS } from './audit-relay.service';
import { AuditRepository } from './audit.repository';

/** A customer outbox in memory, behaving like AuditOutboxRepository. */
class FakeOutbox {
  readonly entries = new Map<string, AuditEntry[]>();

  async pending(id: string) {
    const entries = this.entries.get(id);
    return entries ? { entries: [...entries], flagged: entries.length > 0 } : undefined;
  }

  async remove(id: string, relayed: AuditEntry[]) {
    this.entries.set(
      id,
      (this.entries.get(id) ?? []).filter((entry) => !relayed.includes(entry)),
    );
  }

  async customersWithPending() {
    return [...this.entries].filter(([, entries]) => entries.length > 0).map(([id]) => id);
  }
}

/** An audit store that can be taken down; stores by entry id, as the unique _id does. */
class FlakyAuditStore {
  down = false;
  inserts = 0;
  readonly events = new Map<string, AuditEntry & { customer_id: string }>();

  async insertAll(customerId: string, entries: AuditEntry[]) {
    this.inserts++;
    if (this.down) throw new Error('audit store unavailable');
    for (const entry of entries)
      this.events.set(entry.id.toHexString(), { ...entry, customer_id: customerId });
  }
}

describe('audit relay when the audit store fails', () => {
  const customerId = new Types.ObjectId().toHexString();
  const caller = { user: { username: 'clerk', role: 'staff' as const }, requestId: 'req-1' };
  let outbox: FakeOutbox;
  let store: FlakyAuditStore;
  let relay: AuditRelay;
  let listener: AuditListener;

  beforeAll(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
  afterAll(() => jest.restoreAllMocks());

  beforeEach(() => {
    outbox = new FakeOutbox();
    store = new FlakyAuditStore();
    relay = new AuditRelay(
      outbox as unknown as AuditOutboxRepository,
      store as unknown as AuditRepository,
    );
    listener = new AuditListener(relay);
    const entry = pendingEntry(
      newAuditEntry('customer.transaction_recorded', caller, { phone_number: '5551234567', version: 2 }, new Date(), {
        transaction_type: 'sale',
      }),
    );
    outbox.entries.set(customerId, [entry]);
  });
  afterEach(() => relay.onModuleDestroy());

  it('keeps the entry pending through an outage and delivers it once when the store recovers', async () => {
    store.down = true;
    await listener.handle(new CustomerTransactionRecordedEvent(customerId));
    expect(store.inserts).toBe(RELAY_ATTEMPTS);
    expect(outbox.entries.get(customerId)).toHaveLength(1);
    expect(store.events.size).toBe(0);

    await expect(relay.sweep()).rejects.toThrow('audit store unavailable');
    expect(outbox.entries.get(customerId)).toHaveLength(1);

    store.down = false;
    expect(await relay.sweep()).toBe(1);
    expect(outbox.entries.get(customerId)).toEqual([]);
    expect([...store.events.values()]).toEqual([
      expect.objectContaining({
        action: 'customer.transaction_recorded',
        customer_id: customerId,
        transaction_type: 'sale',
      }),
    ]);

    expect(await relay.sweep()).toBe(0);
    await relay.relay(customerId);
    expect(store.events.size).toBe(1);
  }, 10_000);

  it('is idle only once a relay, its retries included, has finished', async () => {
    let failures = 2;
    const insert = store.insertAll.bind(store);
    store.insertAll = async (id, entries) => {
      if (failures-- > 0) throw new Error('blip');
      return insert(id, entries);
    };
    const handled = listener.handle(new CustomerTransactionRecordedEvent(customerId));
    await relay.idle();
    expect(store.events.size).toBe(1);
    expect(outbox.entries.get(customerId)).toEqual([]);
    await handled;
  });

  it('delivers after a transient failure through its retries', async () => {
    let failures = 2;
    const insert = store.insertAll.bind(store);
    store.insertAll = async (id, entries) => {
      if (failures-- > 0) throw new Error('blip');
      return insert(id, entries);
    };
    await listener.handle(new CustomerTransactionRecordedEvent(customerId));
    expect(store.events.size).toBe(1);
    expect(outbox.entries.get(customerId)).toEqual([]);
  });
});

describe('audit relay under a burst of changes', () => {
  it('coalesces concurrent relays of one customer and still delivers every entry', async () => {
    const outbox = new FakeOutbox();
    const store = new FlakyAuditStore();
    const relay = new AuditRelay(
      outbox as unknown as AuditOutboxRepository,
      store as unknown as AuditRepository,
    );
    const customerId = new Types.ObjectId().toHexString();
    const caller = { user: { username: 'clerk', role: 'staff' as const }, requestId: 'req' };
    const entries = Array.from({ length: 20 }, () =>
      pendingEntry(newAuditEntry('customer.updated', caller, { phone_number: '5551234567', version: 2 }, new Date())),
    );
    outbox.entries.set(customerId, []);
    await Promise.all(
      entries.map(async (entry) => {
        outbox.entries.get(customerId)!.push(entry);
        await relay.relayWithRetry(customerId);
      }),
    );
    await relay.relayWithRetry(customerId);
    expect(store.events.size).toBe(20);
    expect(outbox.entries.get(customerId)).toEqual([]);
    expect(store.inserts).toBeLessThan(5);
    await relay.onModuleDestroy();
  });
});
