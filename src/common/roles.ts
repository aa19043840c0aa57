/**
 * The roles a user may have: shared by the configuration (which roles need a second factor) and
 * the auth module (who may call what).
 */
export const ROLES = ['staff', 'admin'] as const;
export type Role = (typeof ROLES)[number];
