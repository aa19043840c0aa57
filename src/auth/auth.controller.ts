import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ProblemResponseDto } from '../common/problem/problem.dto';
import { AuthService } from './auth.service';
import { LOGIN_WINDOW_MS, MAX_FAILED_LOGINS } from './login-throttle/login-throttle.service';
import { CurrentUser } from './decorators/current-user.decorator';
import { Public } from './decorators/public.decorator';
import { Roles } from './decorators/roles.decorator';
import { LoginRequestDto, MeResponseDto, TokenResponseDto } from './dto/auth.dto';
import { AuthenticatedUser } from './roles';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ operationId: 'login', summary: 'Exchange username and password for a bearer token' })
  @ApiOkResponse({ type: TokenResponseDto, description: 'A bearer token' })
  @ApiUnauthorizedResponse({ type: ProblemResponseDto, description: 'INVALID_CREDENTIALS: wrong username or password (the same answer for both)' })
  @ApiUnprocessableEntityResponse({ type: ProblemResponseDto, description: 'VALIDATION_FAILED (username or password missing, empty or too long)' })
  @ApiTooManyRequestsResponse({ type: ProblemResponseDto, description: `TOO_MANY_LOGIN_ATTEMPTS: ${MAX_FAILED_LOGINS} failed logins in ${LOGIN_WINDOW_MS / 60_000} minutes; see Retry-After` })
  login(@Body() body: LoginRequestDto): Promise<TokenResponseDto> {
    return this.auth.login(body.username, body.password);
  }

  @Get('me')
  @Roles('staff')
  @ApiOperation({ operationId: 'getCurrentUser', summary: 'Who the token belongs to' })
  @ApiOkResponse({ type: MeResponseDto, description: 'The caller' })
  me(@CurrentUser() user: AuthenticatedUser): MeResponseDto {
    return { username: user.username, role: user.role };
  }
}
