import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { atLeastTrimmed } from '../../common/openapi/patterns';
import { trim, whenSent } from '../../common/validation/transforms';

export const REASON_MIN = 3;
export const REASON_MAX = 500;

const reasonProperty = {
  example: 'Repeated missed payments',
  minLength: REASON_MIN,
  maxLength: REASON_MAX,
  pattern: atLeastTrimmed(REASON_MIN),
};

export class StatusReasonQueryDto {
  @ApiPropertyOptional({
    ...reasonProperty,
    deprecated: true,
    description:
      'The reason, for a client that cannot send a body: the body is the documented way. If both are sent they must be equal; trimmed, then 3-500 characters',
  })
  @whenSent
  @trim
  @IsString()
  @Length(REASON_MIN, REASON_MAX)
  reason?: string;
}

export class StatusReasonBodyDto {
  @ApiProperty({
    ...reasonProperty,
    description: 'Why the status changes (recorded in the audit trail); trimmed, then 3-500 characters',
  })
  @whenSent
  @trim
  @IsString()
  @Length(REASON_MIN, REASON_MAX)
  reason?: string;
}
