import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { ROLES } from '../../auth/roles';
import {
  NOT_BLANK,
  PHONE_INPUT,
  PHONE_INPUT_MAX,
  TIMESTAMP_OR_DATE as TIMESTAMP_OR_DATE_PATTERN,
} from '../../common/openapi/patterns';
import { trimLower } from '../../common/validation/transforms';
import {
  CUSTOMER_STATUSES,
  CustomerStatus,
  TRANSACTION_TYPES,
  TransactionType,
} from '../../customers/domain/customer-rules';
import { PageMetaDto, PageQueryDto } from '../../common/pagination/page.dto';
import { IsPhoneNumber, PHONE_EXAMPLE } from '../../common/phone/phone.validators';
import { AUDIT_ACTIONS, AuditAction, FieldChanges } from '../../customers/domain/audit-entry';

/**
 * RFC 3339 with upper-case T and Z (`2026-11-30T10:00:00Z`, `…:00.123+01:00`) or a plain date, of
 * a day that exists; ISO 8601's other forms are refused. The document declares the same pattern.
 */
export const TIMESTAMP_OR_DATE = new RegExp(TIMESTAMP_OR_DATE_PATTERN);
const TIMESTAMP_MESSAGE = (field: string) =>
  `${field} must be an RFC 3339 timestamp (2026-11-30T10:00:00Z) or a date (2026-11-30)`;

export class AuditListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: AUDIT_ACTIONS, enumName: 'AuditAction' })
  @IsOptional()
  @IsIn(AUDIT_ACTIONS)
  action?: AuditAction;

  @ApiPropertyOptional({
    example: 'clerk.jane',
    minLength: 1,
    maxLength: 64,
    pattern: NOT_BLANK,
    description: 'Username of whoever acted (case-insensitive, trimmed)',
  })
  @IsOptional()
  @trimLower
  @IsString()
  @Length(1, 64)
  actor?: string;

  @ApiPropertyOptional({
    example: PHONE_EXAMPLE,
    pattern: PHONE_INPUT,
    maxLength: PHONE_INPUT_MAX,
    description:
      'Events recorded under this phone number, and all events of the customer who has it now',
  })
  @IsOptional()
  @IsPhoneNumber()
  phone?: string;

  @ApiPropertyOptional({
    example: '2026-11-01T00:00:00.000Z',
    pattern: TIMESTAMP_OR_DATE_PATTERN,
    description: 'Inclusive. An RFC 3339 timestamp, or a date: from the start of that day (UTC)',
  })
  @IsOptional()
  @Matches(TIMESTAMP_OR_DATE, { message: TIMESTAMP_MESSAGE('since') })
  since?: string;

  @ApiPropertyOptional({
    example: '2026-11-30T23:59:59.999Z',
    pattern: TIMESTAMP_OR_DATE_PATTERN,
    description: 'Inclusive; not before since. An RFC 3339 timestamp, or a date: to the end of that day (UTC)',
  })
  @IsOptional()
  @Matches(TIMESTAMP_OR_DATE, { message: TIMESTAMP_MESSAGE('until') })
  until?: string;
}

export class AuditActorDto {
  @ApiProperty({ example: 'clerk.jane' })
  username: string;

  @ApiProperty({ enum: ROLES, enumName: 'Role', example: 'staff' })
  role: string;
}

export class AuditEventResponseDto {
  @ApiProperty({ enum: AUDIT_ACTIONS, enumName: 'AuditAction', example: 'customer.status_changed' })
  action: AuditAction;

  @ApiProperty({ example: '2026-11-29T10:00:00.000Z', format: 'date-time' })
  at: string;

  @ApiProperty({ type: AuditActorDto })
  actor: AuditActorDto;

  @ApiProperty({
    example: PHONE_EXAMPLE,
    pattern: '^\\d{10}$',
    description: "The customer's phone number when the event happened",
  })
  phone_number: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    example: 4,
    description:
      "The customer's version after this change (a customer's history is in this order); absent on events recorded before versions were",
  })
  version?: number;

  @ApiProperty({ example: '3f1c2b9e-6a55-4c1e-9b7a-0d4f1c2e8a10' })
  request_id: string;

  @ApiPropertyOptional({ example: 'Repeated missed payments', description: 'Status changes only' })
  reason?: string;

  @ApiPropertyOptional({
    enum: CUSTOMER_STATUSES,
    enumName: 'CustomerStatus',
    example: 'active',
    description: 'Status changes only',
  })
  from_status?: CustomerStatus;

  @ApiPropertyOptional({
    enum: CUSTOMER_STATUSES,
    enumName: 'CustomerStatus',
    example: 'suspended',
    description: 'Status changes only',
  })
  to_status?: CustomerStatus;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'object', properties: { from: {}, to: {} } },
    example: {
      email: { from: 'john@email.com', to: null },
      last_name: { from: 'Smith', to: 'Smyth' },
    },
    description: 'Updates only: field → {from, to}; null means absent',
  })
  changes?: FieldChanges;

  @ApiPropertyOptional({
    enum: TRANSACTION_TYPES,
    enumName: 'TransactionType',
    example: 'loan_opened',
    description: 'Transactions only',
  })
  transaction_type?: TransactionType;
}

export class AuditEventPageResponseDto extends PageMetaDto {
  @ApiProperty({ type: [AuditEventResponseDto] })
  items: AuditEventResponseDto[];
}
