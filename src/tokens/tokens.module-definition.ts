import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { TokensOptions } from './tokens-options.js';

export const {
  ConfigurableModuleClass: ConfigurableTokensModule,
  MODULE_OPTIONS_TOKEN: TOKENS_OPTIONS,
} = new ConfigurableModuleBuilder<TokensOptions>({ moduleName: 'Tokens' }).build();
