import { SetMetadata } from '@nestjs/common';
import { RestrictedScope } from '../roles';

export const RESTRICTED_SCOPES_KEY = 'auth:restrictedScopes';

/**
 * Lets a route accept tokens that are good for one step of signing in only (see TokenScope).
 * Every other route refuses them with 403.
 */
export const AllowRestricted = (...scopes: RestrictedScope[]) =>
  SetMetadata(RESTRICTED_SCOPES_KEY, scopes);
