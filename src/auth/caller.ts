import { AuthenticatedUser } from './roles';

/** Who acted, and under which request: every write records both. */
export interface Caller {
  user: AuthenticatedUser;
  requestId: string;
}
