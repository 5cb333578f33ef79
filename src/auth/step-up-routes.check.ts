import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { FRESH_AUTH, IS_PUBLIC, REQUIRE_MFA } from './decorators.js';

/**
 * `@RequireMfa()` and `@FreshAuth()` are enforced by `AccessGuard`, which lets `@Public()` routes
 * through (a route guarded by `AuthGuard('session' | 'jwt')` alone is one). Such a route would
 * silently ignore them: refuse to start instead.
 */
@Injectable()
export class StepUpRoutesCheck implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onApplicationBootstrap(): void {
    const problems: string[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const cls = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!cls) continue;
      for (const name of this.scanner.getAllMethodNames(cls.prototype)) {
        const handler = (cls.prototype as Record<string, (...args: unknown[]) => unknown>)[name]!;
        const targets = [handler, cls];
        const stepUp = this.reflector.getAllAndOverride<boolean>(REQUIRE_MFA, targets) || this.reflector.getAllAndOverride<number>(FRESH_AUTH, targets);
        if (stepUp && this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) problems.push(`${cls.name}.${name}`);
      }
    }
    if (problems.length > 0) {
      throw new Error(`@RequireMfa()/@FreshAuth() on @Public() routes would not be enforced (AccessGuard checks them): ${problems.join(', ')}`);
    }
  }
}
