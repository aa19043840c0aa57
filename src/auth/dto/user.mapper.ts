import { UserRecord } from '../users/users.repository';
import { UserResponseDto } from './user.dto';

/** The only way a user leaves the service: never with its hash. */
export function toUserResponse(user: UserRecord): UserResponseDto {
  return {
    username: user.username,
    role: user.role,
    active: user.active,
    created_at: user.createdAt.toISOString(),
    updated_at: user.updatedAt.toISOString(),
  };
}
