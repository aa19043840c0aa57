import { DynamicModule, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { CustomersModule } from './customers/customers.module';
import { DatabaseEngine, DatabaseTarget } from './database/database-engine';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';

@Module({})
export class AppModule {
  static forRoot(
    config: AppConfig,
    database: DatabaseTarget,
    engine: DatabaseEngine,
    options: { lazyDatabase?: boolean } = {},
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(database, engine, { lazy: options.lazyDatabase }),
        EventEmitterModule.forRoot(),
        AuthModule,
        HealthModule,
        CustomersModule,
        AuditModule,
      ],
    };
  }
}
