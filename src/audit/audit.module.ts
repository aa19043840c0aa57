import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CustomersModule } from '../customers/customers.module';
import { READ_CONNECTION } from '../database/database.constants';
import { AuditRelay } from './audit-relay.service';
import { AuditController } from './audit.controller';
import { AuditEvent, AuditEventSchema } from './audit-event.schema';
import { AuditListener } from './audit.listener';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { CustomerHistoryController } from './customer-history.controller';

/**
 * The audit trail: relays customers' outboxes into `audit_events` (on their events, and by a
 * periodic sweep) and serves a customer's history and `/audit`. It depends on customers (their
 * events, outbox and lookup by phone); customers never depend on it.
 */
@Module({
  imports: [
    CustomersModule,
    MongooseModule.forFeature([{ name: AuditEvent.name, schema: AuditEventSchema }]),
    MongooseModule.forFeature([{ name: AuditEvent.name, schema: AuditEventSchema }], READ_CONNECTION),
  ],
  controllers: [AuditController, CustomerHistoryController],
  providers: [AuditRepository, AuditRelay, AuditService, AuditListener],
})
export class AuditModule {}
