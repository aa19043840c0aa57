import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { ProblemResponseDto } from '../common/problem/problem.dto';
import { AuthService } from './auth.service';
import { LOGIN_WINDOW_MS, MAX_FAILED_LOGINS } from './login-throttle/login-throttle.service';
import { AllowRestricted } from './decorators/allow-restricted.decorator';
import { CurrentUser } from './decorators/current-user.decorator';
import { Public } from './decorators/public.decorator';
import { Roles } from './decorators/roles.decorator';
import {
  LoginRequestDto,
  MeResponseDto,
  MfaChallengeResponseDto,
  MfaLoginRequestDto,
  PasswordChangeRequestDto,
  TokenResponseDto,
} from './dto/auth.dto';
import { SessionUser } from './roles';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'login',
    summary:
      'Exchange username and password for a bearer token (or, with a second factor, for a code challenge)',
  })
  @ApiExtraModels(TokenResponseDto, MfaChallengeResponseDto)
  @ApiOkResponse({
    description:
      'A bearer token; or, for a user with a second factor, `mfa_required` and the challenge to send with the code ' +
      'to POST /auth/login/mfa. A token with `scope` is good for one sign-in step only.',
    schema: {
      anyOf: [
        { $ref: getSchemaPath(TokenResponseDto) },
        { $ref: getSchemaPath(MfaChallengeResponseDto) },
      ],
    },
  })
  @ApiUnauthorizedResponse({
    type: ProblemResponseDto,
    description: 'INVALID_CREDENTIALS: wrong username or password (the same answer for both)',
  })
  @ApiUnprocessableEntityResponse({
    type: ProblemResponseDto,
    description: 'VALIDATION_FAILED (username or password missing, empty or too long)',
  })
  @ApiTooManyRequestsResponse({
    type: ProblemResponseDto,
    description: `TOO_MANY_LOGIN_ATTEMPTS: ${MAX_FAILED_LOGINS} failed logins in ${LOGIN_WINDOW_MS / 60_000} minutes; see Retry-After`,
  })
  login(@Body() body: LoginRequestDto): Promise<TokenResponseDto | MfaChallengeResponseDto> {
    return this.auth.login(body.username, body.password);
  }

  @Public()
  @Post('login/mfa')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'loginWithCode',
    summary: 'Second sign-in step: the challenge and a TOTP or recovery code',
  })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiUnauthorizedResponse({
    type: ProblemResponseDto,
    description:
      'INVALID_MFA_CODE (wrong, expired or already used code) or INVALID_MFA_TOKEN (bad or expired challenge)',
  })
  @ApiUnprocessableEntityResponse({ type: ProblemResponseDto })
  @ApiTooManyRequestsResponse({
    type: ProblemResponseDto,
    description: 'Wrong codes count as failed logins; see Retry-After',
  })
  loginWithCode(@Body() body: MfaLoginRequestDto): Promise<TokenResponseDto> {
    return this.auth.loginWithCode(body.mfa_token, body.code.trim());
  }

  @Post('logout')
  @HttpCode(204)
  @Roles('staff')
  @AllowRestricted('password_change', 'mfa_enrolment')
  @ApiOperation({
    operationId: 'logout',
    summary: 'Revoke the presented token at once, on every instance',
  })
  @ApiNoContentResponse({ description: 'The token no longer works' })
  async logout(@CurrentUser() session: SessionUser): Promise<void> {
    await this.auth.logout(session);
  }

  @Post('password')
  @HttpCode(204)
  // Above @Roles, so that it replaces the generic 401 it documents.
  @ApiUnauthorizedResponse({
    type: ProblemResponseDto,
    description:
      'UNAUTHENTICATED (missing, invalid or expired token, or a disabled user) or INVALID_CREDENTIALS (a wrong current password)',
  })
  @Roles('staff')
  @AllowRestricted('password_change')
  @ApiOperation({
    operationId: 'changeOwnPassword',
    summary:
      "Change one's own password (required after a generated first-start password); every token then stops",
  })
  @ApiNoContentResponse({ description: 'Changed: log in again with the new password' })
  @ApiUnprocessableEntityResponse({ type: ProblemResponseDto })
  @ApiTooManyRequestsResponse({
    type: ProblemResponseDto,
    description: 'Wrong current passwords count as failed logins',
  })
  async changePassword(
    @CurrentUser() session: SessionUser,
    @Body() body: PasswordChangeRequestDto,
  ): Promise<void> {
    await this.auth.changePassword(session, body.current_password, body.new_password);
  }

  @Get('me')
  @Roles('staff')
  @AllowRestricted('password_change', 'mfa_enrolment')
  @ApiOperation({ operationId: 'getCurrentUser', summary: 'Who the token belongs to' })
  @ApiOkResponse({ type: MeResponseDto, description: 'The caller' })
  me(@CurrentUser() user: SessionUser): MeResponseDto {
    return { username: user.username, role: user.role };
  }
}
