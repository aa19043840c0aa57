import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import {
  PHONE_INPUT,
  PHONE_INPUT_MAX,
  SINGLE_LINE_NOT_BLANK,
} from '../../common/openapi/patterns';
import {
  emailInput,
  NO_CONTROL_CHARACTERS,
  NO_INVISIBLE_CHARACTERS,
  trim,
  whenNotNull,
  whenSent,
} from '../../common/validation/transforms';
import { CUSTOMER_STATUSES } from '../domain/customer-rules';
import { CUSTOMER_SORT_FIELDS, CustomerSortField } from '../domain/customer';
import { MAX_SEARCH_LENGTH } from '../domain/search-keys';
import { PageQueryDto } from '../../common/pagination/page.dto';
import { IsPhoneNumber, PHONE_EXAMPLE } from '../../common/phone/phone.validators';

export const NAME_MAX = 100;
export const NOTES_MAX = 2000;
export const EMAIL_MAX = 254;

const phoneInput = { pattern: PHONE_INPUT, maxLength: PHONE_INPUT_MAX };
const nameInput = { minLength: 1, maxLength: NAME_MAX, pattern: SINGLE_LINE_NOT_BLANK };
/** An email, or "" for none; format and length are checked once trimmed and lower-cased. */
const emailSchema = {
  type: String,
  nullable: true,
  maxLength: EMAIL_MAX,
  anyOf: [
    { type: 'string', format: 'email' },
    { type: 'string', maxLength: 0 },
  ],
};

export class CustomerCreateDto {
  @ApiProperty({
    example: PHONE_EXAMPLE,
    ...phoneInput,
    description: 'Separators and a leading +1 are accepted; stored as 10 digits',
  })
  @IsPhoneNumber()
  phone_number: string;

  @ApiProperty({ example: 'John', ...nameInput, description: 'Trimmed' })
  @trim
  @IsString()
  @Length(1, NAME_MAX)
  @Matches(NO_CONTROL_CHARACTERS, { message: 'first_name must not contain control characters' })
  first_name: string;

  @ApiProperty({ example: 'Smith', ...nameInput, description: 'Trimmed' })
  @trim
  @IsString()
  @Length(1, NAME_MAX)
  @Matches(NO_CONTROL_CHARACTERS, { message: 'last_name must not contain control characters' })
  last_name: string;

  @ApiPropertyOptional({
    ...emailSchema,
    example: 'john@email.com',
    description: 'Stored lower-case; "" or null: no email',
  })
  @emailInput(undefined)
  @IsOptional()
  @IsEmail()
  @MaxLength(EMAIL_MAX)
  @Matches(NO_INVISIBLE_CHARACTERS, { message: 'email must not contain invisible characters' })
  email?: string;

  @ApiPropertyOptional({
    type: String,
    example: 'Prefers morning visits',
    maxLength: NOTES_MAX,
    nullable: true,
    description: 'null: no notes',
  })
  @IsOptional()
  @IsString()
  @MaxLength(NOTES_MAX)
  notes?: string;
}

/** Any subset of the profile, at least one field; `null` removes `email` or `notes`. */
export class CustomerUpdateDto {
  @ApiPropertyOptional({
    example: '5559876543',
    ...phoneInput,
    description: 'Moves the customer to this number (409 if taken)',
  })
  @whenSent
  @IsPhoneNumber()
  phone_number?: string;

  @ApiPropertyOptional({ example: 'John', ...nameInput, description: 'Trimmed' })
  @whenSent
  @trim
  @IsString()
  @Length(1, NAME_MAX)
  @Matches(NO_CONTROL_CHARACTERS, { message: 'first_name must not contain control characters' })
  first_name?: string;

  @ApiPropertyOptional({ example: 'Smith', ...nameInput, description: 'Trimmed' })
  @whenSent
  @trim
  @IsString()
  @Length(1, NAME_MAX)
  @Matches(NO_CONTROL_CHARACTERS, { message: 'last_name must not contain control characters' })
  last_name?: string;

  @ApiPropertyOptional({
    ...emailSchema,
    example: 'john@email.com',
    description: 'Stored lower-case; null or "" removes it',
  })
  @emailInput(null)
  @whenNotNull
  @IsEmail()
  @MaxLength(EMAIL_MAX)
  @Matches(NO_INVISIBLE_CHARACTERS, { message: 'email must not contain invisible characters' })
  email?: string | null;

  @ApiPropertyOptional({
    type: String,
    example: 'Prefers morning visits',
    maxLength: NOTES_MAX,
    nullable: true,
    description: 'null removes them',
  })
  @whenNotNull
  @IsString()
  @MaxLength(NOTES_MAX)
  notes?: string | null;
}

const ONE_STATUS = `\\s*(${CUSTOMER_STATUSES.join('|')})\\s*`;
const STATUS_LIST = new RegExp(`^${ONE_STATUS}(,${ONE_STATUS})*$`);

export class CustomerListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    example: 'jo smi',
    maxLength: MAX_SEARCH_LENGTH,
    description:
      'Words, all of which must match: the start of a first- or last-name word (case- and accent-insensitive), ' +
      'or 3+ digits found anywhere in the phone number',
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_SEARCH_LENGTH)
  search?: string;

  @ApiPropertyOptional({
    enum: CUSTOMER_STATUSES,
    enumName: 'CustomerStatus',
    isArray: true,
    example: ['active', 'suspended'],
    description: 'One status or several, comma-separated (status=active,suspended). Default: all but archived',
  })
  @IsOptional()
  @IsString()
  @Matches(STATUS_LIST, {
    message: `status must be one or more of ${CUSTOMER_STATUSES.join(', ')}, comma-separated`,
  })
  status?: string;

  @ApiPropertyOptional({ enum: CUSTOMER_SORT_FIELDS, default: 'created_at' })
  @IsOptional()
  @IsIn(CUSTOMER_SORT_FIELDS)
  sort_by: CustomerSortField = 'created_at';

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  sort_order: 'asc' | 'desc' = 'desc';
}
