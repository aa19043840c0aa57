import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { READ_CONNECTION } from '../database/database.constants';
import { CustomersController } from './customers.controller';
import { CustomersService } from './customers.service';
import { IdempotencyPurge } from './idempotency.purge';
import { AuditOutboxRepository } from './persistence/audit-outbox.repository';
import { CustomerReadsRepository } from './persistence/customer-reads.repository';
import { CustomerWritesRepository } from './persistence/customer-writes.repository';
import { Customer, CustomerSchema } from './persistence/customer.schema';
import { IdempotencyRecord, IdempotencyRecordSchema } from './persistence/idempotency-record.schema';
import { IdempotencyRepository } from './persistence/idempotency.repository';
import { SearchKeysRepository } from './persistence/search-keys.repository';
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
  providers: [
    CustomersService,
    CustomerReadsRepository,
    CustomerWritesRepository,
    AuditOutboxRepository,
    IdempotencyRepository,
    SearchKeysRepository,
    SearchKeysMigration,
    IdempotencyPurge,
  ],
  // For the audit trail: the outbox it relays, and finding a customer by phone.
  exports: [AuditOutboxRepository, CustomerReadsRepository],
})
export class CustomersModule {}
