import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection, Model, mongo } from 'mongoose';
import { DatabaseEngine } from './database-engine';
import { btreeIndexesOf, ensurePostgresIndexes } from './postgres-indexes';
import { installStorageGuard } from './storage-guard';

/**
 * Start-up on FerretDB: the one step that prepares FerretDB's PostgreSQL storage, before the
 * service takes a request. In order: the collections (Mongoose), the indexes the storage keeps
 * (FerretDB: the unique ones; see DatabaseEngine.keepsAllSchemaIndexes), the service's own
 * PostgreSQL indexes (postgres-indexes.ts: a failure is logged, reads are slower, not wrong), and
 * the storage guard (storage-guard.ts: correctness across instances rests on it, so a failure
 * stops the start-up).
 */
@Injectable()
export class FerretDbStorage implements OnApplicationBootstrap {
  private readonly logger = new Logger('Database');

  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly engine: DatabaseEngine,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.engine.isFerretDb) return;
    const postgresUrl = this.engine.postgresUrl;
    if (!postgresUrl) {
      this.logger.warn(
        'FerretDB without its PostgreSQL URL (FERRETDB_POSTGRES_URL): no storage guard, so run one instance only',
      );
      return;
    }
    const models = Object.values(this.connection.models) as Model<unknown>[];
    await Promise.all(models.map((model) => model.init()));
    const database = this.connection.db!.databaseName;
    try {
      if (!this.engine.keepsAllSchemaIndexes) await keepUniqueIndexesOnly(models, this.logger);
      const created = await ensurePostgresIndexes(postgresUrl, database, btreeIndexesOf(models));
      if (created.length)
        this.logger.log({ msg: 'PostgreSQL indexes created for FerretDB', indexes: created });
    } catch (error) {
      this.logger.warn({
        msg: 'could not create the PostgreSQL indexes; lookups scan',
        error: (error as Error).message,
      });
    }
    const guarded = await installStorageGuard(postgresUrl, database);
    this.logger.log({ msg: 'storage guard installed', collections: guarded });
  }
}

/**
 * FerretDB keeps the schemas' unique indexes (they enforce uniqueness); the others it could not
 * use (btree indexes on `_jsonb -> field`, and it queries with `@>`) are not created, and dropped
 * where an earlier version made them.
 */
async function keepUniqueIndexesOnly(models: Model<unknown>[], logger: Logger): Promise<void> {
  for (const model of models) {
    for (const [keys, options] of model.schema.indexes()) {
      if (options?.unique)
        await model.collection.createIndex(
          keys as Record<string, 1 | -1>,
          options as mongo.CreateIndexesOptions,
        );
    }
    const dropped: string[] = [];
    for (const index of await model.collection.indexes()) {
      if (index.name && index.name !== '_id_' && !index.unique) {
        try {
          await model.collection.dropIndex(index.name);
          dropped.push(index.name);
        } catch (error) {
          // Another instance starting at the same time dropped it first.
          if ((error as { codeName?: string }).codeName !== 'IndexNotFound') throw error;
        }
      }
    }
    if (dropped.length)
      logger.log({
        msg: "FerretDB's unusable indexes dropped",
        collection: model.collection.collectionName,
        indexes: dropped,
      });
  }
}
