import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/decorators/roles.decorator';
import { ApiProblems } from '../common/problem/api-problems';
import { AccessLogService } from './access-log.service';
import { AccessLogPageResponseDto, AccessLogQueryDto } from './dto/access-log.dto';

@ApiTags('access-log')
@Roles('admin')
@Controller('access-log')
export class AccessLogController {
  constructor(private readonly accessLog: AccessLogService) {}

  @Get()
  @ApiOperation({
    operationId: 'listAccessLog',
    summary: "Who read which customer's record, newest first",
  })
  @ApiOkResponse({ type: AccessLogPageResponseDto })
  @ApiProblems({
    422: 'VALIDATION_FAILED (unknown parameter, bad phone or date, or since after until)',
  })
  list(@Query() query: AccessLogQueryDto): Promise<AccessLogPageResponseDto> {
    return this.accessLog.list(query);
  }
}
