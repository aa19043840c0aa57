import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { validationFailed } from '../common/problem/api-exception';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { pageOf, skipOf } from '../common/pagination/page.dto';
import { AccessLogEntry } from './access-log-entry.schema';
import { AccessLogRepository } from './access-log.repository';
import { AccessLogPageResponseDto, AccessLogQueryDto } from './dto/access-log.dto';
import { toAccessLogResponse } from './dto/access-log.mapper';

export const FLUSH_EVERY_MS = 1000;
export const FLUSH_AT_ENTRIES = 500;
/** While the database is away, at most this many entries wait; beyond it the oldest go (and are counted in the log). */
const MAX_BUFFERED = 100_000;
const PURGE_EVERY_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** `until` as an instant: a plain date means the last millisecond of that day (UTC). */
const endOf = (until: string) =>
  DATE_ONLY.test(until) ? new Date(Date.parse(until) + DAY_MS - 1) : new Date(until);

/**
 * Who read which customer's record. A read only appends to a buffer in memory; the buffer is
 * written with one insertMany every second (or at 500 entries), off the request's path, and
 * once more when the application shuts down, after the HTTP server has drained.
 */
@Injectable()
export class AccessLogService
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger('AccessLog');
  private buffer: AccessLogEntry[] = [];
  private flushing?: Promise<void>;
  private flushTimer?: NodeJS.Timeout;
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: AccessLogRepository,
  ) {}

  get enabled(): boolean {
    return this.config.accessLog.enabled;
  }

  record(entry: AccessLogEntry): void {
    if (!this.enabled) return;
    this.buffer.push(entry);
    if (this.buffer.length > MAX_BUFFERED) {
      const dropped = this.buffer.splice(0, this.buffer.length - MAX_BUFFERED);
      this.logger.error({
        msg: 'access log buffer full: oldest entries dropped',
        dropped: dropped.length,
      });
    }
    if (this.buffer.length >= FLUSH_AT_ENTRIES) void this.flush();
  }

  /** Writes what is buffered; one flush at a time, and a failed batch goes back to the buffer. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.repository
      .insertMany(batch)
      .catch((error: unknown) => {
        this.buffer = batch.concat(this.buffer);
        this.logger.warn({
          msg: 'access log flush failed; will retry',
          entries: batch.length,
          error: (error as Error).message,
        });
      })
      .finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  onApplicationBootstrap(): void {
    if (this.enabled) {
      this.flushTimer = setInterval(() => void this.flush(), FLUSH_EVERY_MS);
      this.flushTimer.unref();
    }
    this.purgeTimer = setInterval(() => void this.purge(), PURGE_EVERY_MS);
    this.purgeTimer.unref();
    setTimeout(() => void this.purge(), 10_000).unref();
  }

  /** Before the HTTP server closes: what is buffered so far. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  /** After it has drained its in-flight requests: what they added (the database closes after this module's hook). */
  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.flushTimer);
    clearInterval(this.purgeTimer);
    await this.flush();
    if (this.buffer.length > 0)
      this.logger.error({
        msg: 'access log entries lost at shutdown',
        entries: this.buffer.length,
      });
  }

  /** Deletes entries older than ACCESS_LOG_RETENTION_DAYS (every instance may: it is idempotent). */
  async purge(now = Date.now()): Promise<number> {
    try {
      return await this.repository.deleteBefore(
        new Date(now - this.config.accessLog.retentionDays * DAY_MS),
      );
    } catch (error) {
      this.logger.warn({ msg: 'access log purge failed', error: (error as Error).message });
      return 0;
    }
  }

  async list(query: AccessLogQueryDto): Promise<AccessLogPageResponseDto> {
    const since = query.since ? new Date(query.since) : undefined;
    const until = query.until ? endOf(query.until) : undefined;
    if (since && until && since > until) {
      throw validationFailed([{ field: 'until', message: 'until must not be before since' }]);
    }
    // Reads made through this instance so far are answered too.
    await this.flush();
    const { items, total } = await this.repository.find(
      { actor: query.actor, phone: query.phone, since, until },
      skipOf(query),
      query.per_page,
    );
    return pageOf(items.map(toAccessLogResponse), total, query);
  }
}
