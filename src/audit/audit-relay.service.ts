import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AuditOutboxRepository } from '../customers/persistence/audit-outbox.repository';
import { AuditRepository } from './audit.repository';

export const RELAY_ATTEMPTS = 5;
const RELAY_BACKOFF_MS = 100;
const SWEEP_INTERVAL_MS = 10_000;
export const SWEEP_BATCH = 200;

/**
 * Moves audit entries from customers' outboxes (`pending_audit`, written atomically with each
 * change) to `audit_events`: at once after a change, with retries; and by a periodic sweep that
 * catches whatever a crash or an outage of the audit store left behind. Insert before remove,
 * and inserts are idempotent, so an entry may be relayed twice but is never lost or doubled.
 */
@Injectable()
export class AuditRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AuditRelay.name);
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly relaying = new Set<string>();
  private readonly relayAgain = new Set<string>();
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly outbox: AuditOutboxRepository,
    private readonly audit: AuditRepository,
  ) {}

  onApplicationBootstrap(): void {
    void this.sweepSafely();
    this.timer = setInterval(() => void this.sweepSafely(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Resolves once no relay, retry or sweep is running. The e2e tests wait for it before wiping
   * the database, so that an entry read before the wipe is not written after it.
   */
  async idle(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve)); // let just-emitted events start
    while (this.inFlight.size > 0 || this.relaying.size > 0) {
      if (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      else await this.pause(10); // between retries
    }
  }

  /** Relays one customer's pending entries now; throws if the audit store fails. */
  relay(customerId: string): Promise<void> {
    return this.track(this.relayOnce(customerId));
  }

  /**
   * After a change: relay, retrying with backoff; what still fails waits for the sweep. Calls for
   * a customer whose relay is already running coalesce into one more pass after it, so a burst of
   * changes costs a few relays rather than one each.
   */
  async relayWithRetry(customerId: string): Promise<void> {
    if (this.relaying.has(customerId)) {
      this.relayAgain.add(customerId);
      return;
    }
    this.relaying.add(customerId);
    try {
      do {
        this.relayAgain.delete(customerId);
        await this.relayRetrying(customerId);
      } while (this.relayAgain.has(customerId) && !this.stopped);
    } finally {
      this.relaying.delete(customerId);
    }
  }

  private async relayRetrying(customerId: string): Promise<void> {
    for (let attempt = 1; attempt <= RELAY_ATTEMPTS && !this.stopped; attempt++) {
      try {
        return await this.relay(customerId);
      } catch (error) {
        this.logger.warn({
          msg: 'audit relay failed',
          customer_id: customerId,
          attempt,
          err: String(error),
        });
        if (attempt < RELAY_ATTEMPTS) await this.pause(RELAY_BACKOFF_MS * 2 ** (attempt - 1));
      }
    }
  }

  /** Relays the outboxes of up to `limit` customers; returns how many customers had entries waiting. */
  async sweep(limit = SWEEP_BATCH): Promise<number> {
    const ids = await this.outbox.customersWithPending(limit);
    for (const id of ids) {
      if (this.stopped) break;
      await this.relay(id);
    }
    return ids.length;
  }

  private async relayOnce(customerId: string): Promise<void> {
    const outbox = await this.outbox.pending(customerId);
    if (!outbox || (outbox.entries.length === 0 && !outbox.flagged)) return;
    await this.audit.insertAll(customerId, outbox.entries);
    await this.outbox.remove(customerId, outbox.entries);
  }

  private async sweepSafely(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.track(this.sweep());
    } catch (error) {
      this.logger.warn({ msg: 'audit sweep failed', err: String(error) });
    }
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const forget = () => this.inFlight.delete(work);
    work.then(forget, forget);
    return work;
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms).unref());
  }
}
