import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CustomersModule } from '../customers/customers.module';
import { READ_CONNECTION } from '../database/database.constants';
import { AuditRelay } from './audit-relay.service';
import { AuditController, CustomerHistoryController } from './audit.controller';
import { AuditEvent, AuditEventSchema } from './audit-event.schema';
import { AuditListener } from './audit.listener';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';

/** The audit trail: relays customers' outboxes into `audit_events` and serves history and /audit. */
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
