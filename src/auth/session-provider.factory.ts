import type { Provider, Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { AuthModuleOptions, SessionStrategyName } from './auth-options.js';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition.js';
import { DatabaseSessionProvider } from './database-session.provider.js';
import { JwtSessionProvider } from './jwt-session.provider.js';
import { SessionProvider } from './session-provider.js';

const STRATEGIES: Record<SessionStrategyName, Type<SessionProvider>> = {
  database: DatabaseSessionProvider,
  jwt: JwtSessionProvider,
};

/**
 * Binds the abstract `SessionProvider` to the class the options name (a host's own `provider`
 * wins over `strategy`); only that one is instantiated, with the module's providers injectable.
 */
export const sessionProviderBinding: Provider = {
  provide: SessionProvider,
  inject: [AUTH_MODULE_OPTIONS, ModuleRef],
  useFactory: async (options: AuthModuleOptions, moduleRef: ModuleRef) => {
    const type = options.provider ?? STRATEGIES[options.strategy];
    if (!type) throw new Error(`AuthModule: unknown strategy "${String(options.strategy)}"`);
    // Instances made by `create` get no lifecycle hooks, so the provider's own start-up runs here.
    const provider = await moduleRef.create(type);
    if (!(provider instanceof SessionProvider)) throw new Error('AuthModule: `provider` must extend SessionProvider');
    await provider.init?.();
    return provider;
  },
};
