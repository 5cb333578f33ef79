import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { AuthContext, AuthenticatedRequest, AuthUser } from './auth-context.js';

export const IS_PUBLIC = 'auth:public';
export const REQUIRED_ROLES = 'auth:roles';
export const REQUIRED_PERMISSIONS = 'auth:permissions';

/** Opts a route out of the global deny-by-default guard. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The caller needs at least one of these roles. */
export const Roles = (...roles: string[]) => SetMetadata(REQUIRED_ROLES, roles);

/** The caller needs every one of these permissions (from the role → permissions map). */
export const Permissions = (...permissions: string[]) => SetMetadata(REQUIRED_PERMISSIONS, permissions);

/** The signed-in user. */
export const CurrentUser = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): AuthUser | undefined => ctx.switchToHttp().getRequest<AuthenticatedRequest>().user?.user,
);

/** The whole authentication context: user, session id and transport. */
export const CurrentAuth = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): AuthContext | undefined => ctx.switchToHttp().getRequest<AuthenticatedRequest>().user,
);
