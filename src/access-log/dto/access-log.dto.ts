import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { ROLES } from '../../auth/roles';
import { trimLower } from '../../common/validation/transforms';
import {
  NOT_BLANK,
  PHONE_INPUT,
  PHONE_INPUT_MAX,
  TIMESTAMP_OR_DATE as TIMESTAMP_OR_DATE_PATTERN,
} from '../../common/openapi/patterns';
import { PageMetaDto, PageQueryDto } from '../../common/pagination/page.dto';
import { IsPhoneNumber, PHONE_EXAMPLE } from '../../common/phone/phone.validators';

const TIMESTAMP_OR_DATE = new RegExp(TIMESTAMP_OR_DATE_PATTERN);

const TIMESTAMP_MESSAGE = (field: string) =>
  `${field} must be an RFC 3339 timestamp (2026-11-30T10:00:00Z) or a date (2026-11-30)`;

export class AccessLogQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    example: 'clerk.jane',
    minLength: 1,
    maxLength: 64,
    pattern: NOT_BLANK,
    description: 'Username of the reader (case-insensitive, trimmed)',
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
    description: 'Reads of the customer under this phone number',
  })
  @IsOptional()
  @IsPhoneNumber()
  phone?: string;

  @ApiPropertyOptional({
    example: '2026-11-01T00:00:00.000Z',
    pattern: TIMESTAMP_OR_DATE.source,
    description: 'Inclusive. An RFC 3339 timestamp, or a date: from the start of that day (UTC)',
  })
  @IsOptional()
  @Matches(TIMESTAMP_OR_DATE, { message: TIMESTAMP_MESSAGE('since') })
  since?: string;

  @ApiPropertyOptional({
    example: '2026-11-30T23:59:59.999Z',
    pattern: TIMESTAMP_OR_DATE.source,
    description:
      'Inclusive; not before since. An RFC 3339 timestamp, or a date: to the end of that day (UTC)',
  })
  @IsOptional()
  @Matches(TIMESTAMP_OR_DATE, { message: TIMESTAMP_MESSAGE('until') })
  until?: string;
}

export class AccessLogActorDto {
  @ApiProperty({ example: 'clerk.jane' })
  username: string;

  @ApiProperty({ enum: ROLES, example: 'staff' })
  role: string;
}

export class AccessLogEntryResponseDto {
  @ApiProperty({ example: '2026-11-29T10:00:00.000Z', format: 'date-time' })
  at: string;

  @ApiProperty({ type: AccessLogActorDto })
  actor: AccessLogActorDto;

  @ApiProperty({
    example: PHONE_EXAMPLE,
    description: "The customer's phone number as the route named it",
  })
  phone_number: string;

  @ApiProperty({
    example: 'GET /api/v1/customer/:phone',
    description: 'Method and route template of the read',
  })
  route: string;

  @ApiProperty({ example: '3f1c2b9e-6a55-4c1e-9b7a-0d4f1c2e8a10' })
  request_id: string;
}

export class AccessLogPageResponseDto extends PageMetaDto {
  @ApiProperty({ type: [AccessLogEntryResponseDto] })
  items: AccessLogEntryResponseDto[];
}
