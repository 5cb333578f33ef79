import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '../common/domain-error.js';
import type { AuthenticatedRequest } from './auth-context.js';
import { IS_PUBLIC, REQUIRED_ROLES } from './decorators.js';
import { SessionProvider } from './session-provider.js';

/** Global guard: every route needs a live session unless it is `@Public()`; `@Roles()` narrows further. */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly provider: SessionProvider,
  ) {}

  /** Route metadata never changes after boot: read it once per handler, not once per request. */
  private readonly policies = new WeakMap<object, { isPublic: boolean; roles: string[] }>();

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const { isPublic, roles } = this.policyFor(context);
    if (isPublic) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const auth = req.user ?? (await this.provider.authenticate(req));
    if (!auth) throw new DomainError('UNAUTHENTICATED', 'Authentication required');
    req.user = auth;
    if (roles.length && !roles.some((role) => auth.user.roles.includes(role))) {
      throw new DomainError('FORBIDDEN', 'You do not have the role this needs');
    }
    return true;
  }

  private policyFor(context: ExecutionContext): { isPublic: boolean; roles: string[] } {
    const handler = context.getHandler();
    let policy = this.policies.get(handler);
    if (!policy) {
      const targets = [handler, context.getClass()];
      policy = {
        isPublic: this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) ?? false,
        roles: this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_ROLES, targets) ?? [],
      };
      this.policies.set(handler, policy);
    }
    return policy;
  }
}
