import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPageResponse } from '../common/openapi/page';
import { Roles } from '../auth/decorators/roles.decorator';
import { ApiPhoneParam, ApiProblems, PhoneParamPipe } from '../customers/customer-http';
import { PageQueryDto } from '../customers/dto/page.dto';
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

@ApiTags('customers')
@Roles('staff')
@Controller('customer')
export class CustomerHistoryController {
  constructor(private readonly audit: AuditService) {}

  @Get(':phone/history')
  @ApiOperation({
    operationId: 'getCustomerHistory',
    summary: "A customer's audit events, newest first, across phone changes",
  })
  @ApiPhoneParam()
  @ApiPageResponse(AuditEventResponseDto, "A page of the customer's audit events, newest first")
  @ApiProblems({ 404: 'CUSTOMER_NOT_FOUND', 422: 'VALIDATION_FAILED (a malformed phone, page or per_page)' })
  history(
    @Param('phone', PhoneParamPipe) phone: string,
    @Query() page: PageQueryDto,
  ): Promise<AuditEventPageResponseDto> {
    return this.audit.history(phone, page);
  }
}
