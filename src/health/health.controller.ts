import { Controller, Get, HttpCode } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Connection } from 'mongoose';
import { Public } from '../auth/decorators/public.decorator';
import { ApiException, RETRY_LATER } from '../common/problem/api-exception';
import { HealthStatusResponseDto } from './health.dto';

const PING_TIMEOUT_MS = 1500;

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  @Get('live')
  @HttpCode(200)
  @ApiOperation({ operationId: 'liveness', summary: 'The process is up' })
  @ApiOkResponse({ type: HealthStatusResponseDto, description: 'Up' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HttpCode(200)
  @ApiOperation({ operationId: 'readiness', summary: 'The database is reachable' })
  @ApiOkResponse({ type: HealthStatusResponseDto, description: 'The database answered a ping' })
  @ApiServiceUnavailableResponse({ description: 'DATABASE_UNAVAILABLE: the database is unreachable' })
  async ready(): Promise<{ status: 'ok' }> {
    if (!(await this.pingDatabase())) {
      throw new ApiException(503, 'DATABASE_UNAVAILABLE', 'The database is unreachable.', undefined, RETRY_LATER);
    }
    return { status: 'ok' };
  }

  private async pingDatabase(): Promise<boolean> {
    const db = this.connection.db;
    if (!db || this.connection.readyState !== 1) return false;
    const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), PING_TIMEOUT_MS).unref());
    const ping = db.admin().command({ ping: 1 }).then(() => true, () => false);
    return Promise.race([ping, timeout]);
  }
}
