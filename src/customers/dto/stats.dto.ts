import { ApiProperty } from '@nestjs/swagger';

export class CustomersByStatusDto {
  @ApiProperty({ type: 'integer', minimum: 0, example: 120 })
  active: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 4 })
  suspended: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 2 })
  banned: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 7 })
  deactivated: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 30 })
  archived: number;
}

export class CustomerStatsResponseDto {
  @ApiProperty({ type: 'integer', minimum: 0, example: 163, description: 'All customers, archived included' })
  total_customers: number;

  @ApiProperty({ type: CustomersByStatusDto })
  by_status: CustomersByStatusDto;

  @ApiProperty({ type: 'integer', minimum: 0, example: 41 })
  customers_with_active_loans: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 57 })
  total_active_loans: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 910 })
  total_transactions: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 12, description: 'Created within the last 30 days' })
  new_customers_last_30_days: number;
}
