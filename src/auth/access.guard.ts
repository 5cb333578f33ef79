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

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const auth = req.user ?? (await this.provider.authenticate(req));
    if (!auth) throw new DomainError('UNAUTHENTICATED', 'Authentication required');
    req.user = auth;
    const roles = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_ROLES, targets);
    if (roles?.length && !roles.some((role) => auth.user.roles.includes(role))) {
      throw new DomainError('FORBIDDEN', 'You do not have the role this needs');
    }
    return true;
  }
}
