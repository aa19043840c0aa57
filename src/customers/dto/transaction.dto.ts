import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { TRANSACTION_TYPES, TransactionType } from '../domain/customer-rules';

export class TransactionCreateDto {
  @ApiProperty({ enum: TRANSACTION_TYPES, enumName: 'TransactionType', example: 'loan_opened' })
  @IsIn(TRANSACTION_TYPES)
  type: TransactionType;
}
