import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiException } from '../../common/problem/api-exception';
import { IS_PUBLIC } from '../decorators/public.decorator';
import { ROLES_KEY } from '../decorators/roles.decorator';
import { AuthenticatedUser, Role, roleSatisfies } from '../roles';

/**
 * Global, after authentication. Method-level @Roles override class-level ones. A protected
 * route that declares no roles is refused: forgetting the decorator fails closed.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    const user = context.switchToHttp().getRequest<{ user?: AuthenticatedUser }>().user;
    if (allowed && user && roleSatisfies(user.role, allowed)) return true;
    throw new ApiException(403, 'FORBIDDEN', 'Your role may not perform this action.');
  }
}
