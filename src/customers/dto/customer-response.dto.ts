import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CUSTOMER_STATUSES, CustomerStatus } from '../domain/customer-rules';
import { PageMetaDto } from '../../common/pagination/page.dto';

export class CustomerResponseDto {
  @ApiProperty({ example: '5551234567', pattern: '^\\d{10}$', description: '10 digits' })
  phone_number: string;

  @ApiProperty({ example: 'John' })
  first_name: string;

  @ApiProperty({ example: 'Smith' })
  last_name: string;

  @ApiPropertyOptional({
    example: 'john@email.com',
    format: 'email',
    description: 'Absent when the customer has none',
  })
  email?: string;

  @ApiProperty({ enum: CUSTOMER_STATUSES, enumName: 'CustomerStatus', example: 'active' })
  status: CustomerStatus;

  @ApiPropertyOptional({
    example: 'Prefers morning visits',
    description: 'Staff-internal; absent when empty',
  })
  notes?: string;

  @ApiProperty({ type: 'integer', minimum: 0, example: 3 })
  total_transactions: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 1 })
  active_loans: number;

  @ApiProperty({
    type: 'integer',
    minimum: 1,
    example: 4,
    description: 'Grows by one on every change; the ETag is this number in quotes',
  })
  version: number;

  @ApiProperty({ example: '2026-11-29T10:00:00.000Z', format: 'date-time' })
  created_at: string;

  @ApiProperty({ example: '2026-11-29T10:00:00.000Z', format: 'date-time' })
  updated_at: string;
}

export class CustomerPageResponseDto extends PageMetaDto {
  @ApiProperty({ type: [CustomerResponseDto] })
  items: CustomerResponseDto[];
}
