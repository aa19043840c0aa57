import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { HOUR_MS, PeriodicTask } from '../common/scheduling/periodic-task';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { IdempotencyRepository } from './persistence/idempotency.repository';

/**
 * Keeps `idempotency_records` bounded: every hour (and at start-up) the first responses older
 * than IDEMPOTENCY_RETENTION_HOURS are deleted. A retry after that still counts once (the key is
 * in the customer's recent keys) and answers the customer's current state. A scheduled delete
 * rather than a TTL index, so that it works on every engine; every instance runs it, harmlessly.
 */
@Injectable()
export class IdempotencyPurge implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(IdempotencyPurge.name);
  private readonly task = new PeriodicTask('idempotency purge', HOUR_MS, () => this.purge(), this.logger);

  constructor(
    private readonly records: IdempotencyRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.task.stop();
  }

  /** Deletes what is past retention; returns how many records. */
  async purge(now = new Date()): Promise<number> {
    const deleted = await this.records.purgeOlderThan(
      new Date(now.getTime() - this.config.idempotencyRetentionMs),
    );
    if (deleted > 0) this.logger.log({ msg: 'idempotency records purged', deleted });
    return deleted;
  }
}
