import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { DomainError } from '../common/domain-error.js';
import { setErrorHeaders } from '../common/http-error.filter.js';
import { MODULE_ROUTE } from '../common/module-routes.js';
import { Clock } from '../common/clock.js';
import { isPromise } from '../common/maybe-promise.js';
import { hasSecondFactor, type AuthContext, type AuthenticatedRequest } from './auth-context.js';
import { AssurancePolicy } from './assurance-policy.js';
import { CsrfProtection } from './csrf-protection.js';
import { ADMIN_ROUTES, BEFORE_MFA_ENROLMENT, FRESH_AUTH, IS_PUBLIC, REQUIRE_MFA, REQUIRED_PERMISSIONS, REQUIRED_ROLES } from './decorators.js';
import { RequestAuthenticator } from './request-authenticator.js';

interface Policy {
  isPublic: boolean;
  moduleRoute: boolean;
  roles: string[];
  permissions: string[];
  requireMfa: boolean;
  /** 0: any age. */
  freshAuthMs: number;
  beforeMfaEnrolment: boolean;
  /** Whether any second-factor rule applies here (decided once per route, so most requests skip them). */
  checksAssurance: boolean;
}

/**
 * Deny by default: CSRF checks on every unsafe request, then every route needs a live session
 * unless it is `@Public()`; `@Roles()` and `@Permissions()` narrow further. Installed for the
 * whole application by `AuthModule` (or applied per controller with `@UseGuards(AccessGuard)`).
 * Its refusals are HTTP exceptions in the module's error shape, with their headers already set,
 * so they read the same whether or not the host has an exception filter.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: RequestAuthenticator,
    private readonly csrf: CsrfProtection,
    private readonly assurance: AssurancePolicy,
    private readonly clock: Clock,
  ) {}

  /** Route metadata never changes after boot: read it once per route (class and handler), not once per request. */
  private readonly policies = new WeakMap<object, Map<object, Policy>>();

  /** Answers without a promise when authentication needed none (a verified token, a cached session). */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    // Only HTTP is served; any other transport is denied rather than waved through.
    if (context.getType() !== 'http') return false;
    // The HTTP arguments by index: switchToHttp() builds three closures on every call.
    const req = context.getArgByIndex<AuthenticatedRequest>(0);
    const res = context.getArgByIndex<Response>(1);
    try {
      const policy = this.policyFor(context);
      const { isPublic, moduleRoute } = policy;
      // Before anything else, public routes included: sign-in is a CSRF target too.
      this.csrf.assert(req, moduleRoute);
      // Auth responses carry tokens and user data: never let a cache keep them (a route may still say otherwise).
      if (moduleRoute) res.setHeader('Cache-Control', 'no-store');
      if (isPublic) return true;
      // Reuse a context only if authentication produced it (another guard on the same request); never a `req.user` set by anything else.
      const auth = this.authenticator.vouchesFor(req.user) ? req.user : this.authenticator.authenticate(req, res);
      if (!isPromise(auth)) return this.authorize(req, auth, policy);
      return auth.then((value) => this.authorize(req, value, policy)).catch((error: unknown) => this.fail(error, req, res));
    } catch (error) {
      return this.fail(error, req, res);
    }
  }

  /** Refusals leave with their headers set (`WWW-Authenticate`, `Retry-After`). */
  private fail(error: unknown, req: AuthenticatedRequest, res: Response): never {
    if (error instanceof DomainError) setErrorHeaders(res, req, error);
    throw error;
  }

  private authorize(req: AuthenticatedRequest, auth: AuthContext | null, policy: Policy): boolean {
    const { roles, permissions } = policy;
    if (!auth) throw new DomainError('UNAUTHENTICATED', 'Authentication required');
    req.user = auth;
    if (roles.length && !roles.some((role) => auth.user.roles.includes(role))) {
      throw new DomainError('FORBIDDEN', 'You do not have the role this needs');
    }
    if (permissions.length && !permissions.every((permission) => auth.user.permissions.includes(permission))) {
      throw new DomainError('FORBIDDEN', 'You do not have the permission this needs');
    }
    if (policy.checksAssurance) this.checkAssurance(auth, policy);
    return true;
  }

  /** Second-factor rules: the roles that require one, `@RequireMfa()`, `@FreshAuth()`. */
  private checkAssurance(auth: AuthContext, policy: Policy): void {
    if (!policy.beforeMfaEnrolment) this.assurance.assertEnrolled(auth);
    if (policy.requireMfa && !hasSecondFactor(auth)) throw new DomainError('MFA_REQUIRED', 'This needs a session signed in with a second factor');
    if (policy.freshAuthMs && !(auth.authTime && this.clock.now() - auth.authTime.getTime() <= policy.freshAuthMs)) {
      const maxAge = Math.floor(policy.freshAuthMs / 1000);
      const error = new DomainError('REAUTHENTICATION_REQUIRED', 'Confirm it is you: re-authenticate (POST /reauthenticate) and try again');
      error.wwwAuthenticate = `Bearer realm="api", error="insufficient_user_authentication", error_description="A more recent authentication is required", max_age=${maxAge}`;
      throw error;
    }
  }

  private policyFor(context: ExecutionContext): Policy {
    const handler = context.getHandler();
    const cls = context.getClass();
    let byHandler = this.policies.get(cls);
    if (!byHandler) this.policies.set(cls, (byHandler = new Map()));
    let policy = byHandler.get(handler);
    if (!policy) {
      const targets = [handler, cls];
      policy = {
        isPublic: this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) ?? false,
        moduleRoute: this.reflector.get<boolean>(MODULE_ROUTE, cls) ?? false,
        roles: this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_ROLES, targets) ?? [],
        permissions: this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_PERMISSIONS, targets) ?? [],
        requireMfa: this.reflector.getAllAndOverride<boolean>(REQUIRE_MFA, targets) ?? false,
        freshAuthMs: this.reflector.getAllAndOverride<number>(FRESH_AUTH, targets) ?? 0,
        beforeMfaEnrolment: this.reflector.getAllAndOverride<boolean>(BEFORE_MFA_ENROLMENT, targets) ?? false,
        checksAssurance: false,
      };
      // The admin API takes its step-up rules from the options (decided by configuration, not code).
      if (this.reflector.get<boolean>(ADMIN_ROUTES, cls)) {
        const { requireMfa, freshAuthMs } = this.assurance.admin;
        policy.requireMfa ||= requireMfa;
        if (freshAuthMs > 0) policy.freshAuthMs = policy.freshAuthMs ? Math.min(policy.freshAuthMs, freshAuthMs) : freshAuthMs;
      }
      policy.checksAssurance = policy.requireMfa || policy.freshAuthMs > 0 || (this.assurance.mfaRequiredRoles.size > 0 && !policy.beforeMfaEnrolment);
      byHandler.set(handler, policy);
    }
    return policy;
  }
}
