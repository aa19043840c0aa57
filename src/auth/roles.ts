import type { Role } from '../common/roles';

export { ROLES, type Role } from '../common/roles';

/** The caller as the guards resolved it from the users collection (see IdentityCache). */
export interface AuthenticatedUser {
  username: string;
  role: Role;
}

/**
 * What a token lets its holder do: everything their role allows, or only one step of signing in
 * (a generated password to replace, a second factor to enrol).
 */
export const TOKEN_SCOPES = ['full', 'password_change', 'mfa_enrolment'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];
export type RestrictedScope = Exclude<TokenScope, 'full'>;

/** The caller of a request as the bearer token and the users collection describe them. */
export interface SessionUser extends AuthenticatedUser {
  scope: TokenScope;
  /** The token's `jti`, to revoke it at logout. */
  tokenId: string;
  expiresAt: Date;
}

/** A user as a token is checked against: who they are now, and which of their tokens still count. */
export interface TokenIdentity extends AuthenticatedUser {
  /** Bumped when the password changes or the user is disabled: tokens issued before stop working. */
  tokenGeneration: number;
}

/** An admin may do everything staff may. */
export function roleSatisfies(actual: Role, allowed: readonly Role[]): boolean {
  return allowed.includes(actual) || actual === 'admin';
}
