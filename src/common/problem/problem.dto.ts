import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PROBLEM_CODES } from './problem-codes';

export class FieldErrorDto {
  @ApiProperty({ example: 'phone_number' })
  field: string;

  @ApiProperty({ example: 'phone_number must be a 10-digit US phone number' })
  message: string;
}

/**
 * RFC 9457 problem document (served as application/problem+json). Each response narrows `code`
 * to the codes it can carry; the codes with members of their own have a schema of their own
 * (InvalidStatusTransitionProblem, CustomerHasActiveLoansProblem), built in swagger.ts.
 */
export class ProblemResponseDto {
  @ApiProperty({ example: 'https://pawnshop.example/problems/customer-not-found', format: 'uri' })
  type: string;

  @ApiProperty({ example: 'Not Found' })
  title: string;

  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, example: 404 })
  status: number;

  @ApiProperty({ example: 'No customer has phone number 5551234567.' })
  detail: string;

  @ApiProperty({
    enum: PROBLEM_CODES,
    enumName: 'ProblemCode',
    example: 'CUSTOMER_NOT_FOUND',
    description: 'Stable machine-readable code',
  })
  code: string;

  @ApiProperty({ example: '3f1c2b9e-6a55-4c1e-9b7a-0d4f1c2e8a10' })
  request_id: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'Per-field validation failures (422 only)' })
  errors?: FieldErrorDto[];

  // The customers' named CustomerStatus schema, by reference: common knows no feature's rules.
  @ApiPropertyOptional({
    allOf: [{ $ref: '#/components/schemas/CustomerStatus' }],
    example: 'banned',
    description: "INVALID_STATUS_TRANSITION only: the customer's status",
  })
  current_status?: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { $ref: '#/components/schemas/CustomerStatus' },
    example: ['active'],
    description: 'INVALID_STATUS_TRANSITION only: the statuses the action accepts',
  })
  allowed_from?: string[];

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    example: 2,
    description: 'CUSTOMER_HAS_ACTIVE_LOANS only: the loans still open',
  })
  active_loans?: number;
}
