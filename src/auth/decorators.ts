import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { parseDuration } from '../../config/index.js';
import type { AuthContext, AuthenticatedRequest, AuthUser } from './auth-context.js';

export const IS_PUBLIC = 'auth:public';
export const REQUIRED_ROLES = 'auth:roles';
export const REQUIRED_PERMISSIONS = 'auth:permissions';
export const REQUIRE_MFA = 'auth:require-mfa';
export const FRESH_AUTH = 'auth:fresh-auth';
export const BEFORE_MFA_ENROLMENT = 'auth:before-mfa-enrolment';
export const ADMIN_ROUTES = 'auth:admin-routes';

/** Opts a route out of the global deny-by-default guard. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The caller needs at least one of these roles. */
export const Roles = (...roles: string[]) => SetMetadata(REQUIRED_ROLES, roles);

/** The caller needs every one of these permissions (from the role → permissions map). */
export const Permissions = (...permissions: string[]) => SetMetadata(REQUIRED_PERMISSIONS, permissions);

/** The session must have used a second factor (`amr` has `otp` or `recovery`); else 403 `MFA_REQUIRED`. */
export const RequireMfa = () => SetMetadata(REQUIRE_MFA, true);

/**
 * The user must have authenticated on this session within `maxAge` (`'10m'`, `'1h'`, or
 * milliseconds); else 401 `REAUTHENTICATION_REQUIRED` (RFC 9470), answered by POST /auth/reauthenticate.
 */
export const FreshAuth = (maxAge: string | number) => {
  const ms = typeof maxAge === 'number' ? maxAge : parseDuration(maxAge);
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) throw new Error(`@FreshAuth: "${String(maxAge)}" is not a duration like '10m'`);
  return SetMetadata(FRESH_AUTH, ms);
};

/**
 * Reachable by a user whose role requires a second factor they have not enrolled yet (the
 * enrolment routes, `/me`, sign-out); every other route answers 403 `MFA_ENROLLMENT_REQUIRED`.
 */
export const AllowBeforeMfaEnrolment = () => SetMetadata(BEFORE_MFA_ENROLMENT, true);

/** The signed-in user. */
export const CurrentUser = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): AuthUser | undefined => ctx.getArgByIndex<AuthenticatedRequest>(0).user?.user,
);

/** The whole authentication context: user, session id and transport. */
export const CurrentAuth = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): AuthContext | undefined => ctx.getArgByIndex<AuthenticatedRequest>(0).user,
);
