import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { LogsCustomerRead } from '../access-log/logs-customer-read.decorator';
import { Roles } from '../auth/decorators/roles.decorator';
import { ApiPageResponse } from '../common/openapi/page';
import { PageQueryDto } from '../common/pagination/page.dto';
import { ApiPhoneParam, PhoneParamPipe } from '../common/phone/phone-param';
import { ApiProblems } from '../common/problem/api-problems';
import { AuditService } from './audit.service';
import { AuditEventPageResponseDto, AuditEventResponseDto } from './dto/audit.dto';

/**
 * `GET /customer/{phone}/history`: the audit trail's view of one customer. It lives with the
 * audit trail, which knows customers (to find one by phone); customers never know the audit trail.
 */
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
  @LogsCustomerRead()
  history(
    @Param('phone', PhoneParamPipe) phone: string,
    @Query() page: PageQueryDto,
  ): Promise<AuditEventPageResponseDto> {
    return this.audit.history(phone, page);
  }
}
