import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { READ_CONNECTION } from '../database/database.constants';
import { Customer, CustomerSchema } from './customer.schema';
import { CustomersController } from './customers.controller';
import { CustomersRepository } from './customers.repository';
import { CustomersService } from './customers.service';
import { IdempotencyRecord, IdempotencyRecordSchema } from './idempotency-record.schema';
import { IdempotencyRepository } from './idempotency.repository';
import { SearchKeysMigration } from './search-keys.migration';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Customer.name, schema: CustomerSchema },
      { name: IdempotencyRecord.name, schema: IdempotencyRecordSchema },
    ]),
    MongooseModule.forFeature([{ name: Customer.name, schema: CustomerSchema }], READ_CONNECTION),
  ],
  controllers: [CustomersController],
  providers: [CustomersService, CustomersRepository, IdempotencyRepository, SearchKeysMigration],
  // The audit relay reads and empties the outbox kept in customer documents.
  exports: [CustomersRepository],
})
export class CustomersModule {}
