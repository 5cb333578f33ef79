import type { User } from '../users/index.js';
import type { AuthUser } from './auth-context.js';

export function toAuthUser(user: User, permissions: string[]): AuthUser {
  return { id: user.id, email: user.email, name: user.name, roles: user.roles, permissions, status: user.status };
}
