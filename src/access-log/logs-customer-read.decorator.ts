import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  UseInterceptors,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { Observable, tap } from 'rxjs';
import { AuthenticatedUser } from '../auth/roles';
import { normalizePhone } from '../common/phone/phone';
import { AccessLogService } from './access-log.service';

/**
 * After a successful read, appends who read which customer through which route (in memory, see
 * AccessLogService). Created in the module of the controller it decorates: it finds the access
 * log's service across modules, so that module need not import AccessLogModule.
 */
@Injectable()
export class CustomerReadInterceptor implements NestInterceptor {
  private service?: AccessLogService;

  constructor(private readonly modules: ModuleRef) {}

  private get accessLog(): AccessLogService {
    this.service ??= this.modules.get(AccessLogService, { strict: false });
    return this.service;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.accessLog.enabled) return next.handle();
    const request = context
      .switchToHttp()
      .getRequest<FastifyRequest<{ Params: { phone?: string } }> & { user?: AuthenticatedUser }>();
    return next.handle().pipe(
      tap(() => {
        const phone = normalizePhone(request.params.phone);
        if (!request.user || !phone) return;
        this.accessLog.record({
          at: new Date(),
          actor: request.user.username,
          actor_role: request.user.role,
          phone_number: phone,
          route: `${request.method} ${request.routeOptions.url ?? request.url}`,
          request_id: String(request.id),
        });
      }),
    );
  }
}

/** On a route that returns one customer's record (`:phone` in its path): each successful read goes to the access log. */
export const LogsCustomerRead = () => applyDecorators(UseInterceptors(CustomerReadInterceptor));
