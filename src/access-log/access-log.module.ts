import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { READ_CONNECTION } from '../database/database.constants';
import { AccessLogEntry, AccessLogEntrySchema } from './access-log-entry.schema';
import { AccessLogController } from './access-log.controller';
import { AccessLogRepository } from './access-log.repository';
import { AccessLogService } from './access-log.service';
import { CustomerReadInterceptor } from './logs-customer-read.decorator';

/**
 * The access log (who read which customer's record). `@LogsCustomerRead()` works on any
 * feature's controller without that feature importing this module (see CustomerReadInterceptor).
 * Not global on purpose: Nest shuts global modules down last, the database connection among
 * them, so this module's final flush runs while the connection is still open.
 */
@Module({
  imports: [
    MongooseModule.forFeature([{ name: AccessLogEntry.name, schema: AccessLogEntrySchema }]),
    MongooseModule.forFeature(
      [{ name: AccessLogEntry.name, schema: AccessLogEntrySchema }],
      READ_CONNECTION,
    ),
  ],
  controllers: [AccessLogController],
  providers: [AccessLogRepository, AccessLogService, CustomerReadInterceptor],
  exports: [AccessLogService],
})
export class AccessLogModule {}
