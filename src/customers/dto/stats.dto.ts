import { ApiProperty } from '@nestjs/swagger';

export class CustomersByStatusDto {
  @ApiProperty({ example: 120 })
  active: number;

  @ApiProperty({ example: 4 })
  suspended: number;

  @ApiProperty({ example: 2 })
  banned: number;

  @ApiProperty({ example: 7 })
  deactivated: number;

  @ApiProperty({ example: 30 })
  archived: number;
}

export class CustomerStatsResponseDto {
  @ApiProperty({ example: 163, description: 'All customers, archived included' })
  total_customers: number;

  @ApiProperty({ type: CustomersByStatusDto })
  by_status: CustomersByStatusDto;

  @ApiProperty({ example: 41 })
  customers_with_active_loans: number;

  @ApiProperty({ example: 57 })
  total_active_loans: number;

  @ApiProperty({ example: 910 })
  total_transactions: number;

  @ApiProperty({ example: 12, description: 'Created within the last 30 days' })
  new_customers_last_30_days: number;
}
