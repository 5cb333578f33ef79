import type { Provider, Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { AuthModuleOptions, SessionStrategyName } from './auth-options.js';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition.js';
import { DatabaseSessionProvider } from './database-session.provider.js';
import { SessionProvider } from './session-provider.js';

const STRATEGIES: Record<SessionStrategyName, Type<SessionProvider> | undefined> = {
  database: DatabaseSessionProvider,
  jwt: undefined,
};

/** Binds the abstract `SessionProvider` to the class the options name; only that one is instantiated. */
export const sessionProviderBinding: Provider = {
  provide: SessionProvider,
  inject: [AUTH_MODULE_OPTIONS, ModuleRef],
  useFactory: (options: AuthModuleOptions, moduleRef: ModuleRef) => {
    const strategy = STRATEGIES[options.strategy];
    if (!strategy) throw new Error(`AuthModule: the "${options.strategy}" strategy is not available in this build`);
    return moduleRef.create(strategy);
  },
};
