import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import mongoose, { Connection } from 'mongoose';
import { READ_CONNECTION } from './database.constants';

export const DATABASE_URI = Symbol('DATABASE_URI');

const CHECK_EVERY_MS = 1000;
const STUCK_AFTER_MS = 3000;

/**
 * What a client's monitor last said of each server it knows (a standalone server, or each member
 * of a replica set). The client is usable while any server is known to be up: one member of a
 * replica set down is the replica set doing its job, not a stuck client.
 */
export class ServerStates {
  private readonly types = new Map<string, string>();

  constructor(connected = false) {
    if (connected) this.types.set('initial', 'Connected');
  }

  update(address: string, type: string): void {
    this.types.delete('initial');
    this.types.set(address, type);
  }

  /** The server left the topology (a replica set reconfigured). */
  remove(address: string): void {
    this.types.delete(address);
  }

  get usable(): boolean {
    for (const type of this.types.values()) if (type !== 'Unknown') return true;
    return false;
  }
}

/** What the watchdog knows of one connection's client. */
interface Watched {
  name: string;
  connection: Connection;
  servers: ServerStates;
  unusableSince?: number;
}

/**
 * Measured with FerretDB restarts (about one in five): the driver's server monitor can stop
 * reporting after the server comes back, leaving every request on 503 for good. When a client
 * has seen no usable server for a few seconds while a fresh connection reaches the database,
 * it is closed and reconnected; the models keep working on it.
 */
@Injectable()
export class DatabaseWatchdog implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private readonly watched: Watched[];
  private timer?: NodeJS.Timeout;
  private checking = false;

  constructor(
    @InjectConnection() writes: Connection,
    @InjectConnection(READ_CONNECTION) reads: Connection,
    @Inject(DATABASE_URI) private readonly uri: string,
  ) {
    this.watched = [
      { name: 'writes', connection: writes, servers: new ServerStates() },
      { name: 'reads', connection: reads, servers: new ServerStates() },
    ];
  }

  onApplicationBootstrap(): void {
    for (const watched of this.watched) {
      watched.servers = new ServerStates(watched.connection.readyState === 1);
      const client = watched.connection.getClient();
      client.on('serverDescriptionChanged', (event) => {
        watched.servers.update(event.address, event.newDescription.type);
      });
      client.on('serverClosed', (event) => watched.servers.remove(event.address));
    }
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
      for (const watched of this.watched) await this.checkOne(watched);
    } finally {
      this.checking = false;
    }
  }

  private async checkOne(watched: Watched): Promise<void> {
    if (watched.servers.usable) {
      watched.unusableSince = undefined;
      return;
    }
    watched.unusableSince ??= Date.now();
    if (Date.now() - watched.unusableSince < STUCK_AFTER_MS || !(await this.databaseAnswers()))
      return;
    this.logger.warn({
      msg: 'database answers but the client is stuck: reconnecting',
      connection: watched.name,
    });
    try {
      const client = watched.connection.getClient();
      await client.close(true);
      await client.connect();
      watched.unusableSince = undefined;
    } catch (error) {
      this.logger.warn({
        msg: 'database reconnect failed',
        connection: watched.name,
        error: (error as Error).message,
      });
    }
  }

  private async databaseAnswers(): Promise<boolean> {
    const probe = mongoose.createConnection(this.uri, {
      serverSelectionTimeoutMS: 1000,
      maxPoolSize: 1,
    });
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
