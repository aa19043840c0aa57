export const ROLES = ['staff', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The caller as the guards resolved it from the users collection (see IdentityCache). */
export interface AuthenticatedUser {
  username: string;
  role: Role;
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
