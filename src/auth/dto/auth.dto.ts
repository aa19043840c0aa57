import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './user.dto';
import { RestrictedScope, ROLES, Role, TOKEN_SCOPES } from '../roles';

export class LoginRequestDto {
  @ApiProperty({ example: 'admin', minLength: 1, maxLength: 64, description: 'Case-insensitive' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  username: string;

  @ApiProperty({ example: 'a-long-passphrase', format: 'password', minLength: 1, maxLength: 256 })
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

  @ApiPropertyOptional({
    enum: TOKEN_SCOPES.filter((scope) => scope !== 'full'),
    example: 'mfa_enrolment',
    description:
      'Present when the token is good for one step of signing in only: `password_change` (POST /auth/password) ' +
      'or `mfa_enrolment` (POST /auth/mfa/enrol and /auth/mfa/confirm); every other route answers 403',
  })
  scope?: RestrictedScope;
}

/** A right password of a user with a second factor: the code comes next, with this challenge. */
export class MfaChallengeResponseDto {
  @ApiProperty({ example: true, enum: [true] })
  mfa_required: true;

  @ApiProperty({
    example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…',
    description: 'Send it with the code to POST /api/v1/auth/login/mfa; it is not a bearer token',
  })
  mfa_token: string;

  @ApiProperty({ example: 300, description: 'Lifetime of the challenge in seconds' })
  expires_in: number;
}

export class MfaLoginRequestDto {
  @ApiProperty({ description: 'The mfa_token the password step answered', minLength: 1, maxLength: 2048 })
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  mfa_token: string;

  @ApiProperty({
    example: '123456',
    minLength: 6,
    maxLength: 32,
    description: "The authenticator app's 6-digit code, or one of the recovery codes (each works once)",
  })
  @IsString()
  @MinLength(6)
  @MaxLength(32)
  code: string;
}

export class PasswordChangeRequestDto {
  @ApiProperty({ format: 'password' })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_PASSWORD_LENGTH)
  current_password: string;

  @ApiProperty({ minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH, format: 'password' })
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(MAX_PASSWORD_LENGTH)
  @Matches(/\S/, { message: 'new_password must not be only spaces' })
  new_password: string;
}

export class MfaEnrolmentResponseDto {
  @ApiProperty({ example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', description: 'The TOTP secret (base32), for typing in by hand' })
  secret: string;

  @ApiProperty({
    example: 'otpauth://totp/Pawnshop%20Customers:clerk.jane?issuer=Pawnshop%20Customers&secret=JBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30',
  })
  otpauth_uri: string;

  @ApiProperty({ example: 'data:image/png;base64,iVBORw0KGgo…', description: 'The otpauth URI as a QR code (PNG data URL)' })
  qr_code: string;
}

export class MfaCodeRequestDto {
  @ApiProperty({ example: '123456', pattern: '^\\d{6}$', description: "The authenticator app's current code" })
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code: string;
}

/** Enrolment confirmed: the recovery codes (shown this once) and a token with the second factor. */
export class MfaConfirmResponseDto extends TokenResponseDto {
  @ApiProperty({
    type: [String],
    example: ['k7m2p-x9qre', 'a2b3c-d4e5f'],
    description: 'Ten one-time codes for when the authenticator is lost; stored hashed, never shown again',
  })
  recovery_codes: string[];
}

export class MeResponseDto {
  @ApiProperty({ example: 'admin' })
  username: string;

  @ApiProperty({ enum: ROLES, enumName: 'Role', example: 'admin' })
  role: Role;
}
