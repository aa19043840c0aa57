import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SessionsRepository } from './sessions.repository';

const PURGE_EVERY_MS = 10 * 60 * 1000;

/** Deletes expired revocations and spent codes now and then (every instance may; it is idempotent). */
@Injectable()
export class SessionsPurge implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Sessions');
  private timer?: NodeJS.Timeout;

  constructor(private readonly sessions: SessionsRepository) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.purge(), PURGE_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async purge(): Promise<void> {
    try {
      await this.sessions.purgeExpired();
    } catch (error) {
      this.logger.warn({ msg: 'purging expired sessions failed', error: (error as Error).message });
    }
  }
}
