import { DynamicModule, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { AccessLogModule } from './access-log/access-log.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { CustomersModule } from './customers/customers.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';

@Module({})
export class AppModule {
  static forRoot(
    config: AppConfig,
    mongodbUri: string,
    options: { lazyDatabase?: boolean; ferretDbPostgresUrl?: string } = {},
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(mongodbUri, { lazy: options.lazyDatabase, ferretDbPostgresUrl: options.ferretDbPostgresUrl }),
        EventEmitterModule.forRoot(),
        AuthModule,
        HealthModule,
        CustomersModule,
        AuditModule,
        AccessLogModule,
      ],
    };
  }
}
