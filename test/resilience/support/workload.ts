/**
 * The mixed workload of the load and fault scenarios, and the client-side ledger of what the
 * service acknowledged. Every write carries its own X-Request-Id (so its audit event can be found)
 * and every transaction an Idempotency-Key (so an unanswered one can be settled afterwards).
 */
import http from 'node:http';
import { bearer, Exchange, send } from './http';

export const TRANSACTION_EFFECTS: Record<string, { loans: number; total: number }> = {
  loan_opened: { loans: 1, total: 1 },
  loan_redeemed: { loans: -1, total: 1 },
  loan_forfeited: { loans: -1, total: 0 },
  purchase: { loans: 0, total: 1 },
  sale: { loans: 0, total: 1 },
  payment: { loans: 0, total: 1 },
};
const TRANSACTION_MIX = ['loan_opened', 'loan_opened', 'loan_opened', 'loan_redeemed', 'loan_redeemed', 'loan_forfeited', 'purchase', 'sale', 'payment'];
const STATUS_MIX = ['suspend', 'suspend', 'reactivate', 'reactivate', 'reactivate', 'reactivate', 'ban', 'deactivate'];
const STATUS_TO: Record<string, string> = { suspend: 'suspended', ban: 'banned', reactivate: 'active', deactivate: 'deactivated', archive: 'archived' };
const FIRST_NAMES = ['John', 'José', "O'Brien", 'Zoë', 'Anna', 'Ángel', 'Mary', 'Li'];
const LAST_NAMES = ['Smith', 'García', 'Nguyen', 'Müller', 'Okafor', 'Kowalski'];

/** Definitely applied, definitely not, or no way to tell from the client (no answer, 5xx). */
export type Outcome = 'acked' | 'refused' | 'unknown';

export interface WriteRecord {
  kind: 'create' | 'transaction' | 'status';
  phone: string;
  requestId: string;
  outcome: Outcome;
  /** transaction type or status action */
  detail?: string;
  /** transactions: the Idempotency-Key, reused when settling an unknown outcome */
  key?: string;
  /** unknown transactions, once settled: whether the retry found it applied (or applied it) */
  settled?: 'applied' | 'not applied';
}

export interface Sample {
  op: string;
  status: number;
  error?: string;
  startedAt: number;
  endedAt: number;
  requestId: string;
}

export function outcomeOf(res: Exchange): Outcome {
  if (res.status >= 200 && res.status < 300) return 'acked';
  if (res.status >= 400 && res.status < 500) return 'refused';
  // Refused before anything was sent: the service was not listening.
  if (res.status === 0 && res.error === 'ECONNREFUSED') return 'refused';
  return 'unknown';
}

export class Ledger {
  readonly writes: WriteRecord[] = [];
  readonly samples: Sample[] = [];
  /** Phones whose creation was acknowledged: the only ones the workload transacts on. */
  readonly phones: string[] = [];
  private phoneCounter = 0;
  private requestCounter = 0;

  constructor(private readonly runId: string) {}

  nextPhone(): string {
    this.phoneCounter += 1;
    return `6${String(Date.now() % 1000).padStart(3, '0')}${String(this.phoneCounter).padStart(6, '0')}`.slice(0, 10);
  }

  nextRequestId(op: string): string {
    this.requestCounter += 1;
    return `${this.runId}-${op}-${this.requestCounter}`;
  }

  /** Expected counters per phone: the sum of the effects of every transaction known to be applied. */
  expectedCounters(): Map<string, { total: number; loans: number; transactions: number }> {
    const expected = new Map<string, { total: number; loans: number; transactions: number }>();
    for (const phone of this.phones) expected.set(phone, { total: 0, loans: 0, transactions: 0 });
    for (const write of this.writes) {
      if (write.kind !== 'transaction') continue;
      const applied = write.outcome === 'acked' || write.settled === 'applied';
      if (!applied) continue;
      const counters = expected.get(write.phone)!;
      const effect = TRANSACTION_EFFECTS[write.detail!];
      counters.total += effect.total;
      counters.loans += effect.loans;
      counters.transactions += 1;
    }
    return expected;
  }

  unsettled(): WriteRecord[] {
    return this.writes.filter((w) => w.kind === 'transaction' && w.outcome === 'unknown' && !w.settled);
  }
}

export interface WorkloadOptions {
  baseUrl: () => string;
  staffToken: string;
  adminToken: string;
  concurrency: number;
  ledger: Ledger;
  /** Per-request client timeout: a hang shows up as TIMEOUT rather than a stuck worker. */
  timeoutMs?: number;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];

/** Runs the mixed workload until stop() is called; stop() resolves once every worker has finished its request. */
export function startWorkload(options: WorkloadOptions): { stop(): Promise<void> } {
  const { ledger } = options;
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency, timeout: 4000 });
  let running = true;

  const call = async (op: string, method: string, path: string, token: string, body?: unknown, extra: Record<string, string> = {}) => {
    const requestId = ledger.nextRequestId(op);
    const res = await send(options.baseUrl(), method, path, {
      headers: { ...bearer(token), 'X-Request-Id': requestId, ...extra },
      body,
      agent,
      timeoutMs: options.timeoutMs ?? 30_000,
    });
    ledger.samples.push({ op, status: res.status, error: res.error, startedAt: res.startedAt, endedAt: res.endedAt, requestId });
    return { res, requestId };
  };

  const step = async () => {
    const roll = Math.random();
    const phone = ledger.phones.length > 0 ? pick(ledger.phones) : undefined;
    if (!phone || roll < 0.1) {
      const newPhone = ledger.nextPhone();
      const body = { phone_number: newPhone, first_name: pick(FIRST_NAMES), last_name: pick(LAST_NAMES) };
      const { res, requestId } = await call('create', 'POST', '/api/v1/customer', options.staffToken, body);
      const outcome = outcomeOf(res);
      ledger.writes.push({ kind: 'create', phone: newPhone, requestId, outcome });
      if (outcome === 'acked') ledger.phones.push(newPhone);
    } else if (roll < 0.35) {
      await call('read', 'GET', `/api/v1/customer/${phone}`, options.staffToken);
    } else if (roll < 0.5) {
      const search = Math.random() < 0.5 ? pick(LAST_NAMES).slice(0, 3) : phone.slice(-4);
      await call('search', 'GET', `/api/v1/customer?search=${encodeURIComponent(search)}&per_page=20`, options.staffToken);
    } else if (roll < 0.88) {
      const type = pick(TRANSACTION_MIX);
      const key = ledger.nextRequestId('key');
      const { res, requestId } = await call('transaction', 'POST', `/api/v1/customer/${phone}/transactions`, options.staffToken, { type }, { 'Idempotency-Key': key });
      ledger.writes.push({ kind: 'transaction', phone, requestId, outcome: outcomeOf(res), detail: type, key });
    } else {
      const action = pick(STATUS_MIX);
      const { res, requestId } = await call('status', 'POST', `/api/v1/customer/${phone}/${action}`, options.adminToken, { reason: 'resilience workload' });
      ledger.writes.push({ kind: 'status', phone, requestId, outcome: outcomeOf(res), detail: action });
    }
  };

  const workers = Array.from({ length: options.concurrency }, async () => {
    while (running) {
      try {
        await step();
      } catch (error) {
        ledger.samples.push({ op: 'client', status: 0, error: String(error), startedAt: Date.now(), endedAt: Date.now(), requestId: '' });
      }
    }
  });

  return {
    async stop() {
      running = false;
      await Promise.all(workers);
      agent.destroy();
    },
  };
}

export { STATUS_TO };
