import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { ROLES, Role } from '../roles';

export class LoginRequestDto {
  @ApiProperty({ example: 'admin', minLength: 1, maxLength: 64, description: 'Case-insensitive' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  username: string;

  @ApiProperty({ example: 'change-me-admin-password', format: 'password', minLength: 1, maxLength: 256 })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  password: string;
}

export class TokenResponseDto {
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…' })
  access_token: string;

  @ApiProperty({ example: 'Bearer', enum: ['Bearer'] })
  token_type: 'Bearer';

  @ApiProperty({ type: 'integer', minimum: 1, example: 3600, description: 'Lifetime in seconds' })
  expires_in: number;

  @ApiProperty({ enum: ROLES, enumName: 'Role', example: 'admin' })
  role: Role;
}

export class MeResponseDto {
  @ApiProperty({ example: 'admin' })
  username: string;

  @ApiProperty({ enum: ROLES, enumName: 'Role', example: 'admin' })
  role: Role;
}
