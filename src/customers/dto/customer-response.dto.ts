import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CUSTOMER_STATUSES, CustomerStatus } from '../domain/customer-rules';
import { PageMetaDto } from '../../common/pagination/page.dto';

export class CustomerResponseDto {
  @ApiProperty({ example: '5551234567', pattern: '^\\d{10}$' })
  phone_number: string;

  @ApiProperty({ example: 'John' })
  first_name: string;

  @ApiProperty({ example: 'Smith' })
  last_name: string;

  @ApiPropertyOptional({
    example: 'john@email.com',
    description: 'Absent when the customer has none',
  })
  email?: string;

  @ApiProperty({ enum: CUSTOMER_STATUSES, example: 'active' })
  status: CustomerStatus;

  @ApiPropertyOptional({
    example: 'Prefers morning visits',
    description: 'Staff-internal; absent when empty',
  })
  notes?: string;

  @ApiProperty({ example: 3 })
  total_transactions: number;

  @ApiProperty({ example: 1 })
  active_loans: number;

  @ApiProperty({
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
