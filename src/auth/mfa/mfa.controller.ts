import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ProblemResponseDto } from '../../common/problem/problem.dto';
import { AllowRestricted } from '../decorators/allow-restricted.decorator';
import { CurrentUser } from '../decorators/current-user.decorator';
import { Roles } from '../decorators/roles.decorator';
import { MfaCodeRequestDto, MfaConfirmResponseDto, MfaEnrolmentResponseDto } from '../dto/auth.dto';
import { SessionUser } from '../roles';
import { MfaService } from './mfa.service';

@ApiTags('auth')
@Roles('staff')
@AllowRestricted('mfa_enrolment')
@Controller('auth/mfa')
export class MfaController {
  constructor(private readonly mfa: MfaService) {}

  @Post('enrol')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'enrolMfa',
    summary: 'Start setting up a TOTP second factor: the secret, its otpauth:// URI and a QR code',
  })
  @ApiOkResponse({ type: MfaEnrolmentResponseDto })
  @ApiConflictResponse({ type: ProblemResponseDto, description: 'MFA_ALREADY_ENABLED' })
  enrol(@CurrentUser() session: SessionUser): Promise<MfaEnrolmentResponseDto> {
    return this.mfa.enrol(session);
  }

  @Post('confirm')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'confirmMfa',
    summary:
      "Finish the setup with the app's first code: recovery codes (shown once) and a full token",
  })
  @ApiOkResponse({ type: MfaConfirmResponseDto })
  @ApiConflictResponse({
    type: ProblemResponseDto,
    description: 'MFA_ALREADY_ENABLED or MFA_NOT_ENROLLING',
  })
  @ApiUnprocessableEntityResponse({
    type: ProblemResponseDto,
    description: 'INVALID_MFA_CODE or VALIDATION_FAILED',
  })
  confirm(
    @CurrentUser() session: SessionUser,
    @Body() body: MfaCodeRequestDto,
  ): Promise<MfaConfirmResponseDto> {
    return this.mfa.confirm(session, body.code);
  }
}
