import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { AccessGuard } from './access.guard.js';
import { AUTH_GLOBAL_GUARD } from './auth.module-definition.js';
import { FRESH_AUTH, IS_PUBLIC, REQUIRE_MFA } from './decorators.js';

type Handler = (...args: unknown[]) => unknown;

/**
 * `@RequireMfa()` and `@FreshAuth()` are enforced by `AccessGuard`, which lets `@Public()` routes
 * through (a route guarded by `AuthGuard('session' | 'jwt')` alone is one) and, with
 * `globalGuard: false`, runs only where applied. A route where it would not check them would
 * silently ignore them: refuse to start instead.
 */
@Injectable()
export class StepUpRoutesCheck implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    @Inject(AUTH_GLOBAL_GUARD) private readonly globalGuard: boolean,
  ) {}

  onApplicationBootstrap(): void {
    const problems: string[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const cls = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!cls) continue;
      for (const name of this.scanner.getAllMethodNames(cls.prototype)) {
        const handler = (cls.prototype as Record<string, Handler>)[name]!;
        const targets = [handler, cls];
        const stepUp = this.reflector.getAllAndOverride<boolean>(REQUIRE_MFA, targets) || this.reflector.getAllAndOverride<number>(FRESH_AUTH, targets);
        if (stepUp && !this.enforced(handler, cls, targets)) problems.push(`${cls.name}.${name}`);
      }
    }
    if (problems.length > 0) {
      throw new Error(`@RequireMfa()/@FreshAuth() would not be enforced on these routes (@Public(), or no AccessGuard applied): ${problems.join(', ')}`);
    }
  }

  private enforced(handler: Handler, cls: object, targets: Array<Handler | object>): boolean {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets as Handler[])) return false;
    if (this.globalGuard) return true;
    const guards = [...(this.reflector.get<unknown[]>(GUARDS_METADATA, handler) ?? []), ...(this.reflector.get<unknown[]>(GUARDS_METADATA, cls as Handler) ?? [])];
    return guards.some((guard) => guard === AccessGuard || (typeof guard === 'function' && guard.prototype instanceof AccessGuard));
  }
}
