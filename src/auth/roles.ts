export const ROLES = ['staff', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The caller as the guards resolved it from the users collection (see IdentityCache). */
export interface AuthenticatedUser {
  username: string;
  role: Role;
}

/** An admin may do everything staff may. */
export function roleSatisfies(actual: Role, allowed: readonly Role[]): boolean {
  return allowed.includes(actual) || actual === 'admin';
}
