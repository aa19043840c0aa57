import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import mongoose, { Connection } from 'mongoose';

export const DATABASE_URI = Symbol('DATABASE_URI');

const CHECK_EVERY_MS = 1000;
const STUCK_AFTER_MS = 3000;

/**
 * Measured with FerretDB restarts (about one in five): the driver's server monitor can stop
 * reporting after the server comes back, leaving every request on 503 for good. When the
 * client has seen no usable server for a few seconds while a fresh connection reaches the
 * database, the client is closed and reconnected; the models keep working on it.
 */
@Injectable()
export class DatabaseWatchdog implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private timer?: NodeJS.Timeout;
  private unusableSince?: number;
  private checking = false;
  private serverType = 'Unknown';

  constructor(
    @InjectConnection() private readonly connection: Connection,
    @Inject(DATABASE_URI) private readonly uri: string,
  ) {}

  onApplicationBootstrap(): void {
    this.serverType = this.connection.readyState === 1 ? 'Connected' : 'Unknown';
    this.connection.getClient().on('serverDescriptionChanged', (event) => {
      this.serverType = event.newDescription.type;
    });
    this.timer = setInterval(() => void this.check(), CHECK_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      if (this.clientSeesAServer()) {
        this.unusableSince = undefined;
        return;
      }
      this.unusableSince ??= Date.now();
      if (Date.now() - this.unusableSince < STUCK_AFTER_MS || !(await this.databaseAnswers())) return;
      this.logger.warn('database answers but the client is stuck: reconnecting');
      const client = this.connection.getClient();
      await client.close(true);
      await client.connect();
      this.unusableSince = undefined;
    } catch (error) {
      this.logger.warn({ msg: 'database reconnect failed', error: (error as Error).message });
    } finally {
      this.checking = false;
    }
  }

  private clientSeesAServer(): boolean {
    return this.serverType !== 'Unknown';
  }

  private async databaseAnswers(): Promise<boolean> {
    const probe = mongoose.createConnection(this.uri, { serverSelectionTimeoutMS: 1000, maxPoolSize: 1 });
    try {
      await probe.asPromise();
      await probe.db!.admin().command({ ping: 1 });
      return true;
    } catch {
      return false;
    } finally {
      await probe.close(true).catch(() => undefined);
    }
  }
}
