import type { User } from '../users/index.js';
import type { AuthUser } from './auth-context.js';

export function toAuthUser(user: Pick<User, 'id' | 'email' | 'name' | 'status'> & { roles: readonly string[] }, permissions: readonly string[]): AuthUser {
  return { id: user.id, email: user.email, name: user.name, roles: user.roles, permissions, status: user.status };
}
