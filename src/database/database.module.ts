import { DynamicModule, Logger, Module } from '@nestjs/common';
import { getConnectionToken, MongooseModule } from '@nestjs/mongoose';
import mongoose, { Connection } from 'mongoose';
import { DocumentReader } from './document-reader';
import { FerretDbPostgresReader } from './ferretdb-postgres-reader';
import { MongoDocumentReader } from './mongo-document-reader';
import { READ_CONNECTION } from './database.constants';
import { DATABASE_URI, DatabaseWatchdog } from './database-watchdog';
import { FERRETDB_POSTGRES_URL, PostgresIndexes } from './postgres-indexes';

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

const POOL_SIZE = 20;

/**
 * FerretDB 1.24 applies every update as read, modify in Go, write back, with no transaction:
 * two updates of one document in flight at once can lose one of them. Every write goes
 * through the default connection, which then has a pool of one: this process's writes run one
 * at a time and each conditional write is atomic again. Reads use READ_CONNECTION.
 * MongoDB needs no such thing.
 */
export async function isFerretDb(uri: string): Promise<boolean> {
  const probe = await mongoose
    .createConnection(uri, { serverSelectionTimeoutMS: 5000 })
    .asPromise();
  try {
    const info = await probe.db!.admin().command({ buildInfo: 1 });
    return 'ferretdbVersion' in info;
  } finally {
    await probe.close();
  }
}

/**
 * Connects to MongoDB. Commands are not buffered while disconnected, so an outage answers
 * 503 within the server-selection timeout instead of hanging requests.
 */
@Module({})
export class DatabaseModule {
  /** `lazy`: never connect (used to build the OpenAPI document without a database). */
  static forRoot(
    uri: string,
    options: { lazy?: boolean; ferretDbPostgresUrl?: string } = {},
  ): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      exports: [DocumentReader],
      imports: [
        MongooseModule.forRootAsync({
          useFactory: async () => {
            const ferretDb = options.lazy ? false : await isFerretDb(uri);
            if (ferretDb)
              new Logger('Database').log(
                'FerretDB detected: writes are serialised for atomic updates',
              );
            return {
              ...connectionOptions(ferretDb ? 1 : POOL_SIZE, options.lazy),
              uri,
              autoIndex: true,
            };
          },
        }),
        MongooseModule.forRootAsync({
          connectionName: READ_CONNECTION,
          useFactory: () => ({
            ...connectionOptions(POOL_SIZE, options.lazy),
            uri,
            autoIndex: false,
          }),
        }),
      ],
      providers: options.lazy
        ? [readerProvider(undefined)]
        : [
            readerProvider(options.ferretDbPostgresUrl),
            { provide: DATABASE_URI, useValue: uri },
            DatabaseWatchdog,
            { provide: FERRETDB_POSTGRES_URL, useValue: options.ferretDbPostgresUrl },
            PostgresIndexes,
          ],
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

function connectionOptions(maxPoolSize: number, lazy?: boolean) {
  return {
    bufferCommands: false,
    // Well inside the 2 s within which a request must get its 503 while the database is down.
    serverSelectionTimeoutMS: 1200,
    connectTimeoutMS: 1200,
    socketTimeoutMS: 10_000,
    maxPoolSize,
    minPoolSize: 1,
    retryWrites: false,
    lazyConnection: lazy === true,
    // A lazy connection still tries to connect in the background: its failure is expected.
    connectionFactory: lazy ? ignoreConnectFailure : undefined,
  };
}

function ignoreConnectFailure(connection: mongoose.Connection): mongoose.Connection {
  connection.asPromise().catch(() => undefined);
  return connection;
}
