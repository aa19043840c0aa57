import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { API_PREFIX } from '../../../src/app.constants';
import { IS_PUBLIC } from '../../../src/auth/decorators/public.decorator';
import { ROLES_KEY } from '../../../src/auth/decorators/roles.decorator';
import type { Role } from '../../../src/auth/roles';

/** One HTTP route as Nest registered it, with the access metadata the guards read. */
export interface DiscoveredRoute {
  method: string;
  /** Fastify's pattern, e.g. /api/v1/customer/:phone */
  path: string;
  controller: string;
  handler: string;
  isPublic: boolean;
  /** As RolesGuard resolves them: method-level over class-level; undefined when none declared. */
  roles?: Role[];
}

const UNPREFIXED = [/^\/health\//];

const join = (...parts: string[]) =>
  `/${parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/')}`;

/**
 * Every controller route of the running app, walked through Nest's DiscoveryService, so a route
 * added tomorrow is in the list without anyone editing a test.
 */
export function discoverRoutes(app: NestFastifyApplication): DiscoveredRoute[] {
  const discovery = new DiscoveryService(app.get(ModulesContainer));
  const scanner = new MetadataScanner();
  const reflector = new Reflector();
  const routes: DiscoveredRoute[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as (new (...args: never[]) => object) | undefined;
    if (!controller) continue;
    const base = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    for (const name of scanner.getAllMethodNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name] as () => unknown;
      const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (requestMethod === undefined) continue;
      const own = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, handler) ?? '');
      const targets = [handler, controller];
      for (const b of base) {
        for (const p of own) {
          const local = join(b, p);
          const path = UNPREFIXED.some((re) => re.test(local)) ? local : join(API_PREFIX, local);
          routes.push({
            method: RequestMethod[requestMethod],
            path,
            controller: controller.name,
            handler: name,
            isPublic: reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) === true,
            roles: reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets),
          });
        }
      }
    }
  }
  return routes.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
}

export const routeKey = (route: { method: string; path: string }) => `${route.method} ${route.path}`;

/** The route's path with its parameters filled in. */
export function fillPath(path: string, params: Record<string, string>): string {
  return path.replace(/:(\w+)/g, (_m, name: string) => {
    if (!(name in params)) throw new Error(`no sample value for path parameter :${name} (in ${path})`);
    return encodeURIComponent(params[name]);
  });
}
