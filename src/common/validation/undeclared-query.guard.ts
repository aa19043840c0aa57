import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { FastifyRequest } from 'fastify';
import { API_PATH_PREFIX } from '../../app.constants';
import { validationFailed } from '../problem/api-exception';

/** Whether the handler reads the query string through a `@Query()` parameter (whose DTO then validates it). */
export function declaresQuery(controller: object, handler: string | symbol): boolean {
  const args: Record<string, unknown> =
    Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler) ?? {};
  return Object.keys(args).some((key) => key.startsWith(`${RouteParamtypes.QUERY}:`));
}

/**
 * On the API's routes, a query parameter that the route does not declare is a 422, as it is on
 * routes whose query DTO forbids unknown parameters: a client's typo never passes silently. The
 * health probes stay as lenient as probes are. A guard rather than an interceptor (an interceptor
 * costs every request an RxJS pipeline), added after the auth guards, so 401 and 403 come first.
 */
@Injectable()
export class UndeclaredQueryGuard implements CanActivate {
  private readonly declared = new WeakMap<(...args: unknown[]) => unknown, boolean>();

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (
      context.getType() === 'http' &&
      request.url.startsWith(API_PATH_PREFIX) &&
      !this.handlerDeclaresQuery(context)
    ) {
      const query = request.query ?? {};
      const names = Object.keys(query as object);
      if (names.length > 0) {
        throw validationFailed(
          names.map((field) => ({ field, message: `property ${field} should not exist` })),
        );
      }
    }
    return true;
  }

  private handlerDeclaresQuery(context: ExecutionContext): boolean {
    const handler = context.getHandler() as (...args: unknown[]) => unknown;
    let declared = this.declared.get(handler);
    if (declared === undefined) {
      declared = declaresQuery(context.getClass(), handler.name);
      this.declared.set(handler, declared);
    }
    return declared;
  }
}
