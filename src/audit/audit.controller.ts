import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPageResponse } from '../common/openapi/page';
import { Roles } from '../auth/decorators/roles.decorator';
import { ApiProblems } from '../common/problem/api-problems';
import { AuditService } from './audit.service';
import { AuditEventPageResponseDto, AuditEventResponseDto, AuditListQueryDto } from './dto/audit.dto';

@ApiTags('audit')
@Roles('admin')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({
    operationId: 'listAuditEvents',
    summary: 'Audit events across customers, newest first',
  })
  @ApiPageResponse(AuditEventResponseDto, 'A page of audit events, newest first')
  @ApiProblems({
    422: 'VALIDATION_FAILED (unknown parameter, bad action, phone or date, or since after until)',
  })
  list(@Query() query: AuditListQueryDto): Promise<AuditEventPageResponseDto> {
    return this.audit.list(query);
  }
}
