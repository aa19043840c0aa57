import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import mongoose from 'mongoose';

// Second line of defence behind DTO validation: operators in a filter are ignored unless the
// repository wraps them in mongoose.trusted(), and a filter on an unknown path is an error.
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', 'throw');

/**
 * Connects to MongoDB. Commands are not buffered while disconnected, so an outage answers
 * 503 within the server-selection timeout instead of hanging requests.
 */
@Module({})
export class DatabaseModule {
  static forRoot(uri: string): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        MongooseModule.forRoot(uri, {
          bufferCommands: false,
          autoIndex: true,
          serverSelectionTimeoutMS: 2000,
          connectTimeoutMS: 2000,
          socketTimeoutMS: 10_000,
          maxPoolSize: 20,
          minPoolSize: 2,
          retryWrites: false,
        }),
      ],
    };
  }
}
