import { DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { getConnectionToken, MongooseModule } from '@nestjs/mongoose';
import mongoose, { Connection } from 'mongoose';
import { DocumentReader } from './document-reader';
import { FerretDbPostgresReader } from './ferretdb-postgres-reader';
import { MongoDocumentReader } from './mongo-document-reader';
import { READ_CONNECTION } from './database.constants';
import { DATABASE_URI, DatabaseWatchdog } from './database-watchdog';
import { DatabaseEngine, DatabaseTarget } from './database-engine';
import { FerretDbStorage } from './ferretdb-storage';

// Second line of defence behind DTO validation: operators in a filter are ignored unless the
// repository wraps them in mongoose.trusted(), and a filter on an unknown path is an error.
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', 'throw');

/**
 * Reads give up a little before the HTTP request timeout, so a request the client no longer
 * waits for does not keep the database busy. Writes are never cut short.
 */
export const READ_TIME_LIMIT_MS = 8000;
mongoose.plugin((schema) => {
  schema.pre(['find', 'findOne', 'countDocuments'], function () {
    if (this.getOptions().maxTimeMS === undefined) this.maxTimeMS(READ_TIME_LIMIT_MS);
  });
  schema.pre('aggregate', function () {
    if (this.options.maxTimeMS === undefined) this.option({ maxTimeMS: READ_TIME_LIMIT_MS });
  });
});

/**
 * Connects to the database. Commands are not buffered while disconnected, so an outage answers
 * 503 within the server-selection timeout instead of hanging requests. Two connections: writes
 * (sized by the engine: a pool of one on FerretDB) and READ_CONNECTION for reads that decide
 * nothing. Global: features inject `DatabaseEngine` to ask engine-specific questions, and the
 * read port `DocumentReader` for pages, counts and sums.
 */
@Global()
@Module({})
export class DatabaseModule {
  /** `lazy`: never connect (used to build the OpenAPI document without a database). */
  static forRoot(
    target: DatabaseTarget,
    engine: DatabaseEngine,
    options: { lazy?: boolean } = {},
  ): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        MongooseModule.forRootAsync({
          useFactory: () => {
            if (engine.isFerretDb)
              new Logger('Database').log(
                engine.guardsWrites
                  ? 'FerretDB on PostgreSQL: stale writes refused by the storage guard'
                  : 'FerretDB without its PostgreSQL: writes serialised, one instance only',
              );
            return { ...connectionOptions(engine, engine.writePoolSize, options.lazy), uri: target.uri, autoIndex: engine.keepsAllSchemaIndexes };
          },
        }),
        MongooseModule.forRootAsync({
          connectionName: READ_CONNECTION,
          useFactory: () => ({
            ...connectionOptions(engine, engine.readPoolSize, options.lazy),
            uri: target.uri,
            autoIndex: false,
          }),
        }),
      ],
      providers: [
        { provide: DatabaseEngine, useValue: engine },
        readerProvider(options.lazy ? undefined : engine.postgresUrl),
        ...(options.lazy
          ? []
          : [{ provide: DATABASE_URI, useValue: target.uri }, DatabaseWatchdog, FerretDbStorage]),
      ],
      exports: [DatabaseEngine, DocumentReader],
    };
  }
}

/**
 * Which adapter answers the read port: on FerretDB with its PostgreSQL within reach, SQL on the
 * tables FerretDB writes (FerretDB 1.24 sorts and counts in memory after decoding every match);
 * otherwise Mongoose on the read connection.
 */
function readerProvider(ferretDbPostgresUrl: string | undefined) {
  return {
    provide: DocumentReader,
    inject: [getConnectionToken(READ_CONNECTION)],
    useFactory: (reads: Connection): DocumentReader => {
      if (!ferretDbPostgresUrl) return new MongoDocumentReader(reads);
      const database = reads.db?.databaseName ?? reads.name;
      new Logger('Database').log("reads answered from FerretDB's PostgreSQL tables");
      return FerretDbPostgresReader.connect(ferretDbPostgresUrl, database);
    },
  };
}

function connectionOptions(engine: DatabaseEngine, maxPoolSize: number, lazy?: boolean) {
  return {
    bufferCommands: false,
    // Well inside the 2 s within which a request must get its 503 while the database is down.
    serverSelectionTimeoutMS: 1200,
    connectTimeoutMS: 1200,
    socketTimeoutMS: 10_000,
    maxPoolSize,
    minPoolSize: 1,
    retryWrites: engine.retryWrites,
    lazyConnection: lazy === true,
    // A lazy connection still tries to connect in the background: its failure is expected.
    connectionFactory: lazy ? ignoreConnectFailure : undefined,
  };
}

function ignoreConnectFailure(connection: mongoose.Connection): mongoose.Connection {
  connection.asPromise().catch(() => undefined);
  return connection;
}
