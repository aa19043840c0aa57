import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiException } from '../../common/problem/api-exception';
import { AllowRestricted } from '../decorators/allow-restricted.decorator';
import { Public } from '../decorators/public.decorator';
import { Roles } from '../decorators/roles.decorator';
import { AuthenticatedUser, Role, SessionUser, TokenScope } from '../roles';
import { RolesGuard } from './roles.guard';

@Roles('admin')
class AdminByDefaultController {
  @Roles('staff')
  staffRoute() {}

  adminRoute() {}

  @Public()
  publicRoute() {}
}

@Roles('staff')
class StaffByDefaultController {
  @Roles('admin')
  adminRoute() {}
}

class UndecoratedController {
  forgotten() {}

  @Roles('staff')
  staffRoute() {}
}

@Public()
class PublicController {
  anything() {}
}

@Roles('staff')
class SignInStepsController {
  customers() {}

  @AllowRestricted('password_change')
  changePassword() {}

  @AllowRestricted('mfa_enrolment', 'password_change')
  enrolOrChange() {}
}

@Roles('staff')
@AllowRestricted('mfa_enrolment')
class EnrolmentController {
  enrol() {}
}

type Controller = new () => object;

function contextFor(
  controller: Controller,
  method: string,
  user?: AuthenticatedUser,
): ExecutionContext {
  const handler = (controller.prototype as Record<string, () => void>)[method];
  return {
    getHandler: () => handler,
    getClass: () => controller,
    getType: () => 'http',
    switchToHttp: () => ({
      getRequest: () => ({ user }),
      getResponse: () => ({}),
      getNext: () => undefined,
    }),
  } as unknown as ExecutionContext;
}

const as = (role: Role): AuthenticatedUser => ({ username: `someone.${role}`, role });

describe('RolesGuard', () => {
  const guard = new RolesGuard(new Reflector());
  const allows = (controller: Controller, method: string, user?: AuthenticatedUser) =>
    guard.canActivate(contextFor(controller, method, user));
  const refusal = (
    controller: Controller,
    method: string,
    user?: AuthenticatedUser,
  ): ApiException => {
    try {
      guard.canActivate(contextFor(controller, method, user));
    } catch (error) {
      return error as ApiException;
    }
    throw new Error(`${controller.name}.${method} was allowed`);
  };

  it('lets a method-level @Roles widen a class-level one', () => {
    expect(allows(AdminByDefaultController, 'staffRoute', as('staff'))).toBe(true);
  });

  it('lets a method-level @Roles narrow a class-level one', () => {
    expect(refusal(StaffByDefaultController, 'adminRoute', as('staff')).getStatus()).toBe(403);
    expect(allows(StaffByDefaultController, 'adminRoute', as('admin'))).toBe(true);
  });

  it('applies the class-level @Roles to undecorated methods', () => {
    expect(refusal(AdminByDefaultController, 'adminRoute', as('staff')).getStatus()).toBe(403);
    expect(allows(AdminByDefaultController, 'adminRoute', as('admin'))).toBe(true);
  });

  it('lets an admin through a staff route', () => {
    expect(allows(UndecoratedController, 'staffRoute', as('admin'))).toBe(true);
    expect(allows(UndecoratedController, 'staffRoute', as('staff'))).toBe(true);
  });

  it('refuses a protected route that declares no roles, even to an admin', () => {
    expect(refusal(UndecoratedController, 'forgotten', as('admin')).getStatus()).toBe(403);
    expect(refusal(UndecoratedController, 'forgotten', as('staff')).getStatus()).toBe(403);
  });

  it('refuses a request without an authenticated user', () => {
    expect(refusal(UndecoratedController, 'staffRoute').getStatus()).toBe(403);
  });

  it('answers a refusal with the FORBIDDEN problem code', () => {
    const error = refusal(AdminByDefaultController, 'adminRoute', as('staff'));
    expect(error).toBeInstanceOf(ApiException);
    expect(error.code).toBe('FORBIDDEN');
  });

  it('passes @Public routes and controllers without a user', () => {
    expect(allows(AdminByDefaultController, 'publicRoute')).toBe(true);
    expect(allows(PublicController, 'anything')).toBe(true);
  });

  describe('restricted tokens', () => {
    const session = (scope: TokenScope, role: Role = 'admin'): SessionUser => ({
      username: 'someone',
      role,
      scope,
      tokenId: 'jti',
      expiresAt: new Date(Date.now() + 60_000),
    });

    it('pass only the routes of their sign-in step', () => {
      expect(allows(SignInStepsController, 'changePassword', session('password_change'))).toBe(true);
      expect(allows(SignInStepsController, 'enrolOrChange', session('mfa_enrolment'))).toBe(true);
      expect(allows(EnrolmentController, 'enrol', session('mfa_enrolment'))).toBe(true);
      expect(refusal(SignInStepsController, 'changePassword', session('mfa_enrolment')).code).toBe('MFA_ENROLMENT_REQUIRED');
      expect(refusal(EnrolmentController, 'enrol', session('password_change')).code).toBe('PASSWORD_CHANGE_REQUIRED');
    });

    it('are refused everywhere else, whatever the role', () => {
      const refused = refusal(SignInStepsController, 'customers', session('mfa_enrolment'));
      expect(refused.getStatus()).toBe(403);
      expect(refused.code).toBe('MFA_ENROLMENT_REQUIRED');
      expect(refusal(SignInStepsController, 'customers', session('password_change')).code).toBe('PASSWORD_CHANGE_REQUIRED');
      expect(refusal(AdminByDefaultController, 'staffRoute', session('mfa_enrolment')).getStatus()).toBe(403);
    });

    it('a full token passes routes that also take restricted ones', () => {
      expect(allows(SignInStepsController, 'customers', session('full', 'staff'))).toBe(true);
      expect(allows(SignInStepsController, 'changePassword', session('full', 'staff'))).toBe(true);
    });
  });
});
