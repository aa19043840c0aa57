import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'phone_number' })
  field: string;

  @ApiProperty({ example: 'phone_number must be a 10-digit US phone number' })
  message: string;
}

/** RFC 9457 problem document (served as application/problem+json). */
export class ProblemResponseDto {
  @ApiProperty({ example: 'https://pawnshop.example/problems/customer-not-found' })
  type: string;

  @ApiProperty({ example: 'Not Found' })
  title: string;

  @ApiProperty({ example: 404 })
  status: number;

  @ApiProperty({ example: 'No customer has phone number 5551234567.' })
  detail: string;

  @ApiProperty({ example: 'CUSTOMER_NOT_FOUND', description: 'Stable machine-readable code' })
  code: string;

  @ApiProperty({ example: '3f1c2b9e-6a55-4c1e-9b7a-0d4f1c2e8a10' })
  request_id: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'Per-field validation failures (422 only)' })
  errors?: FieldErrorDto[];
}
