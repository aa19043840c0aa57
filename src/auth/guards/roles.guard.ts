import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiException } from '../../common/problem/api-exception';
import { IS_PUBLIC } from '../decorators/public.decorator';
import { RESTRICTED_SCOPES_KEY } from '../decorators/allow-restricted.decorator';
import { ROLES_KEY } from '../decorators/roles.decorator';
import { RestrictedScope, Role, roleSatisfies, SessionUser } from '../roles';

const SCOPE_REFUSALS: Record<RestrictedScope, () => ApiException> = {
  password_change: () =>
    new ApiException(403, 'PASSWORD_CHANGE_REQUIRED', 'Change the generated password first: POST /api/v1/auth/password.'),
  mfa_enrolment: () =>
    new ApiException(403, 'MFA_ENROLMENT_REQUIRED', 'Set up a second factor first: POST /api/v1/auth/mfa/enrol.'),
};

/**
 * Global, after authentication. Method-level @Roles override class-level ones. A protected
 * route that declares no roles is refused: forgetting the decorator fails closed. A token good for
 * one sign-in step only (a password change, a second-factor enrolment) passes only the routes of
 * that step.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    const user = context.switchToHttp().getRequest<{ user?: SessionUser }>().user;
    if (user?.scope !== undefined && user.scope !== 'full') {
      const restricted = this.reflector.getAllAndOverride<RestrictedScope[] | undefined>(RESTRICTED_SCOPES_KEY, targets);
      if (!restricted?.includes(user.scope)) throw SCOPE_REFUSALS[user.scope]();
    }
    if (allowed && user && roleSatisfies(user.role, allowed)) return true;
    throw new ApiException(403, 'FORBIDDEN', 'Your role may not perform this action.');
  }
}
