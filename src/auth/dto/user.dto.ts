import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { NOT_BLANK, USERNAME_INPUT, USERNAME_STORED } from '../../common/openapi/patterns';
import { trimLower, whenSent } from '../../common/validation/transforms';
import { ROLES, Role } from '../roles';

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;
const NOT_ONLY_SPACES = /\S/;

export class UserCreateDto {
  @ApiProperty({
    example: 'clerk.jane',
    pattern: USERNAME_INPUT,
    description: '3-64 letters, digits, dots, dashes or underscores, the first a letter or digit; trimmed and stored lower-case',
  })
  @trimLower
  @IsString()
  @Matches(USERNAME_PATTERN, { message: 'username must be 3-64 lower-case letters, digits, dots, dashes or underscores' })
  username: string;

  @ApiProperty({ example: 'a-long-passphrase', minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH, format: 'password', pattern: NOT_BLANK })
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(MAX_PASSWORD_LENGTH)
  @Matches(NOT_ONLY_SPACES, { message: 'password must not be only spaces' })
  password: string;

  @ApiProperty({ enum: ROLES, enumName: 'Role', example: 'staff' })
  @IsIn(ROLES)
  role: Role;
}

export class UserUpdateDto {
  @ApiPropertyOptional({ enum: ROLES, enumName: 'Role' })
  @whenSent
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ example: false, description: 'false disables the user; their tokens stop working at once' })
  @whenSent
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH, format: 'password', pattern: NOT_BLANK })
  @whenSent
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(MAX_PASSWORD_LENGTH)
  @Matches(NOT_ONLY_SPACES, { message: 'password must not be only spaces' })
  password?: string;
}

export class UsernameParamDto {
  @ApiProperty({
    example: 'clerk.jane',
    pattern: USERNAME_INPUT,
    description: 'Case-insensitive; a name no user can have (see the pattern) is a 422',
  })
  @trimLower
  @IsString()
  @Matches(USERNAME_PATTERN, { message: 'username must be 3-64 lower-case letters, digits, dots, dashes or underscores' })
  username: string;
}

export class UserResponseDto {
  @ApiProperty({ example: 'clerk.jane', pattern: USERNAME_STORED })
  username: string;

  @ApiProperty({ enum: ROLES, enumName: 'Role', example: 'staff' })
  role: Role;

  @ApiProperty({ example: true })
  active: boolean;

  @ApiProperty({ example: '2026-11-29T10:00:00.000Z', format: 'date-time' })
  created_at: string;

  @ApiProperty({ example: '2026-11-29T10:00:00.000Z', format: 'date-time' })
  updated_at: string;
}
