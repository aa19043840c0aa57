import { applyDecorators, Body, Controller, Get, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { LogsCustomerRead } from '../access-log/logs-customer-read.decorator';
import type { Caller } from '../auth/caller';
import { CurrentCaller } from '../auth/decorators/current-caller.decorator';
import { Roles } from '../auth/decorators/roles.decorator';
import { ApiPhoneParam, PhoneParamPipe } from '../common/phone/phone-param';
import { ApiProblems } from '../common/problem/api-problems';
import {
  ApiIdempotencyKeyHeader,
  ApiIfMatchHeader,
  ApiStatusReasonBody,
  IdempotencyKey,
  IfMatch,
  ReturnsCreatedCustomer,
  ReturnsCustomer,
} from './customer-http';
import { describeTransition, StatusAction } from './domain/customer-rules';
import { CustomersService } from './customers.service';
import { CustomerCreateDto, CustomerListQueryDto, CustomerUpdateDto } from './dto/customer.dto';
import { ApiPageResponse } from '../common/openapi/page';
import { CustomerPageResponseDto, CustomerResponseDto } from './dto/customer-response.dto';
import { CustomerStatsResponseDto } from './dto/stats.dto';
import { StatusReasonBodyDto, StatusReasonQueryDto } from './dto/status-change.dto';
import { TransactionCreateDto } from './dto/transaction.dto';
import { VersionPrecondition } from './if-match';

const STATUS_PROBLEMS = {
  404: 'CUSTOMER_NOT_FOUND',
  409: 'INVALID_STATUS_TRANSITION (with current_status and allowed_from), CUSTOMER_HAS_ACTIVE_LOANS (with active_loans) or CONCURRENT_MODIFICATION',
  412: 'VERSION_MISMATCH: If-Match names another version',
  422: 'VALIDATION_FAILED (reason missing, out of 3-500 characters, or differing between query and body)',
};

/** A status change route: admin only, reason in the query or the body, If-Match honoured. */
const StatusChangeRoute = (action: StatusAction, operationId: string, description: string) =>
  applyDecorators(
    Post(`:phone/${action}`),
    Roles('admin'),
    ApiOperation({ operationId, summary: describeTransition(action) }),
    ApiPhoneParam(),
    ReturnsCustomer(200, description),
    ApiProblems(STATUS_PROBLEMS),
    ApiStatusReasonBody(),
    ApiIfMatchHeader(),
  );

@ApiTags('customers')
@Roles('staff')
@Controller('customer')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Post()
  @ApiOperation({
    operationId: 'createCustomer',
    summary: 'Create a customer (active, no transactions)',
  })
  @ReturnsCreatedCustomer('The new customer')
  @ApiProblems({
    409: 'CUSTOMER_ALREADY_EXISTS',
    422: 'VALIDATION_FAILED (also for status, counters or timestamps in the body)',
  })
  create(
    @Body() body: CustomerCreateDto,
    @CurrentCaller() caller: Caller,
  ): Promise<CustomerResponseDto> {
    return this.customers.create(body, caller);
  }

  @Get()
  @ApiOperation({
    operationId: 'listCustomers',
    summary: 'List and search customers (archived ones only on request)',
  })
  @ApiPageResponse(CustomerResponseDto, 'A page of customers, sorted as asked')
  @ApiProblems({ 422: 'VALIDATION_FAILED (unknown or invalid query parameter)' })
  list(@Query() query: CustomerListQueryDto): Promise<CustomerPageResponseDto> {
    return this.customers.list(query);
  }

  // Declared before ':phone' so that "stats" is never taken for a phone number.
  @Get('stats')
  @Roles('admin')
  @ApiOperation({ operationId: 'getCustomerStats', summary: 'Customer statistics' })
  @ApiOkResponse({ type: CustomerStatsResponseDto, description: 'Counts over all customers' })
  stats(): Promise<CustomerStatsResponseDto> {
    return this.customers.stats();
  }

  @Get(':phone')
  @ApiOperation({
    operationId: 'getCustomer',
    summary: 'One customer by phone number (archived ones too)',
  })
  @ApiPhoneParam()
  @ReturnsCustomer(200, 'The customer')
  @ApiProblems({ 404: 'CUSTOMER_NOT_FOUND', 422: 'VALIDATION_FAILED (not a phone number)' })
  @LogsCustomerRead()
  get(@Param('phone', PhoneParamPipe) phone: string): Promise<CustomerResponseDto> {
    return this.customers.get(phone);
  }

  @Put(':phone')
  @ApiOperation({
    operationId: 'updateCustomer',
    summary: 'Change any of phone_number, first_name, last_name, email, notes',
  })
  @ApiPhoneParam()
  @ApiIfMatchHeader()
  @ReturnsCustomer(200, 'The updated customer, at a new version (also when no value differed)')
  @ApiProblems({
    404: 'CUSTOMER_NOT_FOUND',
    409: 'CUSTOMER_ARCHIVED, CUSTOMER_ALREADY_EXISTS (new phone taken) or CONCURRENT_MODIFICATION',
    412: 'VERSION_MISMATCH (If-Match)',
    422: 'VALIDATION_FAILED (no field, invalid field, a malformed phone or If-Match)',
  })
  update(
    @Param('phone', PhoneParamPipe) phone: string,
    @Body() body: CustomerUpdateDto,
    @IfMatch() precondition: VersionPrecondition | undefined,
    @CurrentCaller() caller: Caller,
  ): Promise<CustomerResponseDto> {
    return this.customers.update(phone, body, precondition, caller);
  }

  @StatusChangeRoute('suspend', 'suspendCustomer', 'The suspended customer')
  suspend(
    @Param('phone', PhoneParamPipe) phone: string,
    @Query() query: StatusReasonQueryDto,
    @Body() body: StatusReasonBodyDto,
    @IfMatch() precondition: VersionPrecondition | undefined,
    @CurrentCaller() caller: Caller,
  ): Promise<CustomerResponseDto> {
    return this.changeStatus('suspend', phone, query, body, precondition, caller);
  }

  @StatusChangeRoute('ban', 'banCustomer', 'The banned customer')
  ban(
    @Param('phone', PhoneParamPipe) phone: string,
    @Query() query: StatusReasonQueryDto,
    @Body() body: StatusReasonBodyDto,
    @IfMatch() precondition: VersionPrecondition | undefined,
    @CurrentCaller() caller: Caller,
  ): Promise<CustomerResponseDto> {
    return this.changeStatus('ban', phone, query, body, precondition, caller);
  }

  @StatusChangeRoute('reactivate', 'reactivateCustomer', 'The reactivated customer')
  reactivate(
    @Param('phone', PhoneParamPipe) phone: string,
    @Query() query: StatusReasonQueryDto,
    @Body() body: StatusReasonBodyDto,
    @IfMatch() precondition: VersionPrecondition | undefined,
    @CurrentCaller() caller: Caller,
  ): Promise<CustomerResponseDto> {
    return this.changeStatus('reactivate', phone, query, body, precondition, caller);
  }

  @StatusChangeRoute('deactivate', 'deactivateCustomer', 'The deactivated customer')
  deactivate(
    @Param('phone', PhoneParamPipe) phone: string,
    @Query() query: StatusReasonQueryDto,
    @Body() body: StatusReasonBodyDto,
    @IfMatch() precondition: VersionPrecondition | undefined,
    @CurrentCaller() caller: Caller,
  ): Promise<CustomerResponseDto> {
    return this.changeStatus('deactivate', phone, query, body, precondition, caller);
  }

  @StatusChangeRoute('archive', 'archiveCustomer', 'The archived customer')
  archive(
    @Param('phone', PhoneParamPipe) phone: string,
    @Query() query: StatusReasonQueryDto,
    @Body() body: StatusReasonBodyDto,
    @IfMatch() precondition: VersionPrecondition | undefined,
    @CurrentCaller() caller: Caller,
  ): Promise<CustomerResponseDto> {
    return this.changeStatus('archive', phone, query, body, precondition, caller);
  }

  private changeStatus(
    action: StatusAction,
    phone: string,
    query: StatusReasonQueryDto,
    body: StatusReasonBodyDto,
    precondition: VersionPrecondition | undefined,
    caller: Caller,
  ): Promise<CustomerResponseDto> {
    const reason = this.customers.resolveReason(query.reason, body.reason);
    return this.customers.changeStatus(phone, action, reason, caller, precondition);
  }

  @Post(':phone/transactions')
  @ApiOperation({
    operationId: 'recordTransaction',
    summary: "Record a transaction and update the customer's counters",
  })
  @ApiPhoneParam()
  @ApiIdempotencyKeyHeader()
  @ReturnsCustomer(
    201,
    'The customer after the transaction (or, for a retried Idempotency-Key, the first result)',
    {
      'Idempotent-Replayed': {
        description:
          '"true" when this is the stored result of an earlier request with the same key',
        schema: { type: 'string', example: 'true' },
      },
    },
  )
  @ApiProblems({
    404: 'CUSTOMER_NOT_FOUND',
    409: 'CUSTOMER_NOT_ACTIVE, NO_ACTIVE_LOANS, IDEMPOTENCY_KEY_REUSED (same key, other type) or CONCURRENT_MODIFICATION',
    422: 'VALIDATION_FAILED (unknown type, a malformed phone or Idempotency-Key)',
  })
  async recordTransaction(
    @Param('phone', PhoneParamPipe) phone: string,
    @Body() body: TransactionCreateDto,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CustomerResponseDto> {
    const outcome = await this.customers.recordTransaction(
      phone,
      body.type,
      idempotencyKey,
      caller,
    );
    if (outcome.replayed) reply.header('Idempotent-Replayed', 'true');
    return outcome.customer;
  }
}
