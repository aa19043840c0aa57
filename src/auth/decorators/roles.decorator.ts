import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ProblemResponseDto } from '../../common/problem/problem.dto';
import { Role } from '../roles';

export const ROLES_KEY = 'auth:roles';

/**
 * Who may call an endpoint, and the matching Swagger security and 401/403 responses.
 * Method-level roles override class-level ones. Admins always pass a staff check.
 */
export const Roles = (...roles: Role[]) =>
  applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ApiBearerAuth('bearer'),
    ApiExtension('x-roles', roles),
    ApiUnauthorizedResponse({ description: 'Missing, invalid or expired token, or a disabled user', type: ProblemResponseDto }),
    ApiForbiddenResponse({
      description:
        `FORBIDDEN: requires role ${roles.join(' or ')}; ` +
        'PASSWORD_CHANGE_REQUIRED or MFA_ENROLMENT_REQUIRED: the token can only finish signing in (change the generated password, enrol a second factor)',
      type: ProblemResponseDto,
    }),
  );
