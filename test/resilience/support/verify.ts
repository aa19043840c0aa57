import { Db } from 'mongodb';
import { bearer, send, sleep } from './http';
import { Ledger } from './workload';

const AUDIT_ACTION: Record<string, string> = {
  create: 'customer.created',
  transaction: 'customer.transaction_recorded',
  status: 'customer.status_changed',
};

/**
 * Settles every transaction whose outcome the client could not see (no answer, a 5xx) by
 * retrying it with the same Idempotency-Key: a 201 means it is applied now (by the first request
 * or the retry, never both), a 409 that it was not and cannot be.
 */
export async function settleUnknownTransactions(ledger: Ledger, baseUrl: string, staffToken: string): Promise<string[]> {
  const problems: string[] = [];
  for (const write of ledger.unsettled()) {
    const res = await send(baseUrl, 'POST', `/api/v1/customer/${write.phone}/transactions`, {
      headers: { ...bearer(staffToken), 'Idempotency-Key': write.key!, 'X-Request-Id': `${write.requestId}-settle` },
      body: { type: write.detail },
      timeoutMs: 30_000,
    });
    if (res.status === 201) write.settled = 'applied';
    else if (res.status === 409) write.settled = 'not applied';
    else problems.push(`settling ${write.requestId} (${write.detail} on ${write.phone}): ${res.status} ${res.error ?? res.text.slice(0, 200)}`);
  }
  return problems;
}

/** Waits until no customer has audit entries waiting in its outbox; returns how many still do. */
export async function waitForEmptyOutboxes(db: Db, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const waiting = await db.collection('customers').countDocuments({ $or: [{ audit_pending: true }, { 'pending_audit.0': { $exists: true } }] });
    if (waiting === 0 || Date.now() >= deadline) return waiting;
    await sleep(500);
  }
}

/**
 * Everything the client was told happened, checked in the database itself: every acknowledged
 * create is there, every customer's counters are exactly the sum of its applied transactions,
 * every acknowledged write has its audit event (matched by request id), and each customer has
 * exactly one transaction event per applied transaction (none lost, none doubled).
 */
export async function verifyNothingLost(ledger: Ledger, db: Db): Promise<string[]> {
  const problems: string[] = [];
  const customers = await db
    .collection('customers')
    .find({}, { projection: { phone_number: 1, total_transactions: 1, active_loans: 1, status: 1 } })
    .toArray();
  const byPhone = new Map(customers.map((c) => [c.phone_number as string, c]));
  const phoneById = new Map(customers.map((c) => [String(c._id), c.phone_number as string]));

  for (const write of ledger.writes) {
    if (write.kind === 'create' && write.outcome === 'acked' && !byPhone.has(write.phone)) problems.push(`acknowledged create of ${write.phone} is missing`);
  }
  for (const [phone, want] of ledger.expectedCounters()) {
    const got = byPhone.get(phone);
    if (!got) continue;
    if (got.total_transactions !== want.total || got.active_loans !== want.loans) {
      problems.push(`${phone}: counters total_transactions=${got.total_transactions} active_loans=${got.active_loans}, acknowledged transactions sum to ${want.total} and ${want.loans}`);
    }
    if (got.active_loans < 0) problems.push(`${phone}: negative active_loans ${got.active_loans}`);
  }

  const events = await db
    .collection('audit_events')
    .find({}, { projection: { request_id: 1, action: 1, customer_id: 1 } })
    .toArray();
  const actionsByRequest = new Map<string, string[]>();
  const transactionEvents = new Map<string, number>();
  for (const event of events) {
    actionsByRequest.set(event.request_id, [...(actionsByRequest.get(event.request_id) ?? []), event.action]);
    if (event.action === 'customer.transaction_recorded') {
      const phone = phoneById.get(String(event.customer_id)) ?? `?${String(event.customer_id)}`;
      transactionEvents.set(phone, (transactionEvents.get(phone) ?? 0) + 1);
    }
  }
  for (const write of ledger.writes) {
    if (write.outcome !== 'acked') continue;
    const actions = actionsByRequest.get(write.requestId) ?? [];
    if (!actions.includes(AUDIT_ACTION[write.kind])) problems.push(`acknowledged ${write.kind} ${write.detail ?? ''} ${write.requestId} on ${write.phone} has no ${AUDIT_ACTION[write.kind]} event`);
  }
  for (const [phone, want] of ledger.expectedCounters()) {
    const got = transactionEvents.get(phone) ?? 0;
    if (got !== want.transactions) problems.push(`${phone}: ${got} transaction audit events for ${want.transactions} applied transactions`);
  }
  return problems;
}

/** A line for the log: what the workload did in a time window. */
export function summarize(ledger: Ledger, from: number, to = Infinity): string {
  const samples = ledger.samples.filter((s) => s.startedAt >= from && s.startedAt < to);
  const byStatus = new Map<string, number>();
  for (const s of samples) byStatus.set(String(s.status || s.error), (byStatus.get(String(s.status || s.error)) ?? 0) + 1);
  const seconds = Math.max(1, ((Math.min(to, Date.now()) === Infinity ? Date.now() : Math.min(to, Date.now())) - from) / 1000);
  const statuses = [...byStatus.entries()].sort().map(([k, v]) => `${k}×${v}`).join(' ');
  return `${samples.length} requests in ${seconds.toFixed(0)} s (${(samples.length / seconds).toFixed(1)}/s): ${statuses}`;
}
