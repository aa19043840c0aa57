import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ApiException } from '../../common/problem/api-exception';
import { IS_PUBLIC } from '../decorators/public.decorator';

/** Global: every route needs a valid bearer token unless marked @Public(). */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    return isPublic ? true : super.canActivate(context);
  }

  override handleRequest<TUser>(err: unknown, user: TUser | false): TUser {
    if (err && !(err instanceof Error && err.name === 'UnauthorizedException')) throw err;
    if (!user) {
      throw new ApiException(401, 'UNAUTHENTICATED', 'A valid bearer token is required.', undefined, {
        'WWW-Authenticate': 'Bearer',
      });
    }
    return user;
  }
}
