import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import { SearchKeysRepository } from './persistence/search-keys.repository';
import { SEARCH_KEYS_VERSION } from './domain/search-keys';

const MIGRATION = 'customer_search_keys';
const BATCH = 200;

/**
 * Search and sort keys are derived at write time, so a new way of deriving them (a new
 * SEARCH_KEYS_VERSION) must reach the customers stored before it. At start-up, in the background,
 * this rewrites the keys of every customer stored with an older version, then records the
 * version in `migrations`, so that later starts skip the scan.
 */
@Injectable()
export class SearchKeysMigration implements OnApplicationBootstrap {
  private readonly logger = new Logger(SearchKeysMigration.name);
  /** The start-up run, for whoever must know it has finished (the tests). */
  finished: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly customers: SearchKeysRepository,
    @InjectConnection() private readonly connection: Connection,
  ) {}

  onApplicationBootstrap(): void {
    this.finished = this.run().catch((error) =>
      this.logger.warn({ msg: 'search keys migration failed; it runs again at the next start', err: String(error) }),
    );
  }

  /** Rewrites what is stale; returns how many customers it rewrote. */
  async run(): Promise<number> {
    const migrations = this.connection.collection<{ _id: string; version: number }>('migrations');
    const done = await migrations.findOne({ _id: MIGRATION });
    if (done && done.version >= SEARCH_KEYS_VERSION) return 0;
    let rewritten = 0;
    for (;;) {
      const stale = await this.customers.withStaleSearchKeys(BATCH);
      if (stale.length === 0) break;
      const before = rewritten;
      for (const customer of stale) {
        if (await this.customers.rewriteSearchKeys(customer)) rewritten += 1;
      }
      if (rewritten === before) break; // every one changed meanwhile: their writes derived the keys
    }
    await migrations.updateOne({ _id: MIGRATION }, { $set: { version: SEARCH_KEYS_VERSION } }, { upsert: true });
    if (rewritten > 0) this.logger.log({ msg: 'search keys rewritten', customers: rewritten, version: SEARCH_KEYS_VERSION });
    return rewritten;
  }
}
