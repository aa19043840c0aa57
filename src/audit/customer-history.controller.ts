import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { LogsCustomerRead } from '../access-log/logs-customer-read.decorator';
import { Roles } from '../auth/decorators/roles.decorator';
import { PageQueryDto } from '../common/pagination/page.dto';
import { ApiPhoneParam, PhoneParamPipe } from '../common/phone/phone-param';
import { ApiProblems } from '../common/problem/api-problems';
import { AuditService } from './audit.service';
import { AuditEventPageResponseDto } from './dto/audit.dto';

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
  @ApiOkResponse({ type: AuditEventPageResponseDto })
  @ApiProblems({ 404: 'CUSTOMER_NOT_FOUND', 422: 'VALIDATION_FAILED' })
  @LogsCustomerRead()
  history(
    @Param('phone', PhoneParamPipe) phone: string,
    @Query() page: PageQueryDto,
  ): Promise<AuditEventPageResponseDto> {
    return this.audit.history(phone, page);
  }
}
