import { Module } from '@nestjs/common';
import { AccessTokenService } from './access-tokens.service.js';
import { loadOrCreateDevKeys } from './dev-keys.js';
import { KeyRing } from './key-ring.js';
import { RefreshSecrets } from './refresh-secrets.js';
import { RevocationRegistry } from './revocation-registry.js';
import type { TokensOptions } from './tokens-options.js';
import { ConfigurableTokensModule, TOKENS_OPTIONS } from './tokens.module-definition.js';

const TOKEN_SECRETS = Symbol('TOKEN_SECRETS');
type Secrets = { keys: KeyRing; refresh: RefreshSecrets } | null;

/** Configured keys and secret win; development may generate them once into its data folder. */
function resolveSecrets(options: TokensOptions): Secrets {
  if (!options.enabled) return null;
  let keys = options.keys;
  let refreshSecret = options.refreshSecret;
  if (keys.length === 0 || !refreshSecret) {
    if (!options.devKeyFile) throw new Error('JWT keys and the refresh secret must be configured (AUTH_JWT_KEYS, AUTH_REFRESH_SECRET)');
    const dev = loadOrCreateDevKeys(options.devKeyFile, options.devAlgorithm);
    if (keys.length === 0) keys = [dev.key];
    refreshSecret ??= dev.refreshSecret;
  }
  return { keys: new KeyRing(keys), refresh: new RefreshSecrets(refreshSecret) };
}

/**
 * Access-token signing and verification, the key ring (JWKS), refresh-token successors and the
 * revocation registry. Keys are resolved only when the JWT strategy is enabled; otherwise the
 * key-bound providers are null.
 */
@Module({
  providers: [
    { provide: TOKEN_SECRETS, inject: [TOKENS_OPTIONS], useFactory: resolveSecrets },
    { provide: KeyRing, inject: [TOKEN_SECRETS], useFactory: (s: Secrets) => s?.keys ?? null },
    { provide: RefreshSecrets, inject: [TOKEN_SECRETS], useFactory: (s: Secrets) => s?.refresh ?? null },
    {
      provide: AccessTokenService,
      inject: [TOKENS_OPTIONS, TOKEN_SECRETS],
      useFactory: (options: TokensOptions, s: Secrets) => (s ? new AccessTokenService(options, s.keys) : null),
    },
    RevocationRegistry,
  ],
  exports: [KeyRing, RefreshSecrets, AccessTokenService, RevocationRegistry],
})
export class TokensModule extends ConfigurableTokensModule {}
