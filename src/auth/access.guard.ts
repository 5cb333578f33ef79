import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '../common/domain-error.js';
import type { AuthenticatedRequest } from './auth-context.js';
import { CsrfProtection } from './csrf-protection.js';
import { IS_PUBLIC, REQUIRED_PERMISSIONS, REQUIRED_ROLES } from './decorators.js';
import { SessionProvider } from './session-provider.js';

interface Policy {
  isPublic: boolean;
  roles: string[];
  permissions: string[];
}

/** Global guard: CSRF checks on every unsafe request, then every route needs a live session unless it is `@Public()`; `@Roles()` narrows further. */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly provider: SessionProvider,
    private readonly csrf: CsrfProtection,
  ) {}

  /** Route metadata never changes after boot: read it once per route (class and handler), not once per request. */
  private readonly policies = new WeakMap<object, Map<object, Policy>>();

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Only HTTP is served; any other transport is denied rather than waved through.
    if (context.getType() !== 'http') return false;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    // Before anything else, public routes included: sign-in is a CSRF target too.
    this.csrf.assert(req);
    const { isPublic, roles, permissions } = this.policyFor(context);
    if (isPublic) return true;
    const auth = req.user ?? (await this.provider.authenticate(req));
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
        roles: this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_ROLES, targets) ?? [],
        permissions: this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_PERMISSIONS, targets) ?? [],
      };
      byHandler.set(handler, policy);
    }
    return policy;
  }
}
