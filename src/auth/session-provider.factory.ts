import type { Provider, Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { AuthModuleOptions, SessionStrategyName } from './auth-options.js';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition.js';
import { DatabaseSessionProvider } from './database-session.provider.js';
import { JwtSessionProvider } from './jwt-session.provider.js';
import { SessionProvider } from './session-provider.js';

const STRATEGIES: Record<SessionStrategyName, Type<SessionProvider & { init?(): Promise<void> }>> = {
  database: DatabaseSessionProvider,
  jwt: JwtSessionProvider,
};

/** Binds the abstract `SessionProvider` to the class the options name; only that one is instantiated. */
export const sessionProviderBinding: Provider = {
  provide: SessionProvider,
  inject: [AUTH_MODULE_OPTIONS, ModuleRef],
  useFactory: async (options: AuthModuleOptions, moduleRef: ModuleRef) => {
    if (options.strategy === 'jwt' && !options.jwt) throw new Error('AuthModule: the jwt strategy needs the `jwt` options');
    // Instances made by `create` get no lifecycle hooks, so the provider's own start-up runs here.
    const provider = await moduleRef.create(STRATEGIES[options.strategy]);
    await provider.init?.();
    return provider;
  },
};
