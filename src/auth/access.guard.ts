import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { DomainError } from '../common/domain-error.js';
import { setErrorHeaders } from '../common/http-error.filter.js';
import { MODULE_ROUTE } from '../common/module-routes.js';
import type { AuthenticatedRequest } from './auth-context.js';
import { CsrfProtection } from './csrf-protection.js';
import { IS_PUBLIC, REQUIRED_PERMISSIONS, REQUIRED_ROLES } from './decorators.js';
import { RequestAuthenticator } from './request-authenticator.js';

interface Policy {
  isPublic: boolean;
  moduleRoute: boolean;
  roles: string[];
  permissions: string[];
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
  ) {}

  /** Route metadata never changes after boot: read it once per route (class and handler), not once per request. */
  private readonly policies = new WeakMap<object, Map<object, Policy>>();

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Only HTTP is served; any other transport is denied rather than waved through.
    if (context.getType() !== 'http') return false;
    const http = context.switchToHttp();
    const req = http.getRequest<AuthenticatedRequest>();
    try {
      return await this.check(req, http.getResponse<Response>(), this.policyFor(context));
    } catch (error) {
      if (error instanceof DomainError) setErrorHeaders(http.getResponse<Response>(), req, error);
      throw error;
    }
  }

  private async check(req: AuthenticatedRequest, res: Response, { isPublic, moduleRoute, roles, permissions }: Policy): Promise<boolean> {
    // Before anything else, public routes included: sign-in is a CSRF target too.
    this.csrf.assert(req, moduleRoute);
    // Auth responses carry tokens and user data: never let a cache keep them (a route may still say otherwise).
    if (moduleRoute) res.setHeader('Cache-Control', 'no-store');
    if (isPublic) return true;
    const auth = req.user ?? (await this.authenticator.authenticate(req, res));
    if (!auth) throw new DomainError('UNAUTHENTICATED', 'Authentication required');
    req.user = auth;
    if (roles.length && !roles.some((role) => auth.user.roles.includes(role))) {
      throw new DomainError('FORBIDDEN', 'You do not have the role this needs');
    }
    if (permissions.length && !permissions.every((permission) => auth.user.permissions.includes(permission))) {
      throw new DomainError('FORBIDDEN', 'You do not have the permission this needs');
    }
    return true;
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
      };
      byHandler.set(handler, policy);
    }
    return policy;
  }
}
