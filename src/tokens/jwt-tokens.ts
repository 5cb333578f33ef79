import { AccessTokenService } from './access-tokens.service.js';
import { loadOrCreateDevKeys } from './dev-keys.js';
import { KeyRing } from './key-ring.js';
import { RefreshSecrets } from './refresh-secrets.js';
import { RevocationRegistry } from './revocation-registry.js';
import type { JwtOptions } from './tokens-options.js';

/** Everything the JWT strategy needs, made only when that strategy is in use. */
export interface JwtTokens {
  keys: KeyRing;
  access: AccessTokenService;
  refresh: RefreshSecrets;
  registry: RevocationRegistry;
}

/** Configured keys and secret win; development may generate them once into its data folder. */
export function createJwtTokens(options: JwtOptions): JwtTokens {
  let keys = options.keys;
  let refreshSecret = options.refreshSecret;
  if (keys.length === 0 || !refreshSecret) {
    if (!options.devKeyFile) throw new Error('JWT keys and the refresh secret must be configured (AUTH_JWT_KEYS, AUTH_REFRESH_SECRET)');
    const dev = loadOrCreateDevKeys(options.devKeyFile, options.devAlgorithm);
    if (keys.length === 0) keys = [dev.key];
    refreshSecret ??= dev.refreshSecret;
  }
  const ring = new KeyRing(keys);
  return { keys: ring, access: new AccessTokenService(options, ring), refresh: new RefreshSecrets(refreshSecret), registry: new RevocationRegistry(options) };
}
