import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { trim, whenSent } from '../../common/validation/transforms';

export const REASON_MIN = 3;
export const REASON_MAX = 500;

const reasonProperty = {
  example: 'Repeated missed payments',
  minLength: REASON_MIN,
  maxLength: REASON_MAX,
  description:
    'Required: in the query string or in the body (if both, they must be equal); trimmed, then 3-500 characters',
};

export class StatusReasonQueryDto {
  @ApiPropertyOptional(reasonProperty)
  @whenSent
  @trim
  @IsString()
  @Length(REASON_MIN, REASON_MAX)
  reason?: string;
}

export class StatusReasonBodyDto {
  @ApiPropertyOptional(reasonProperty)
  @whenSent
  @trim
  @IsString()
  @Length(REASON_MIN, REASON_MAX)
  reason?: string;
}
