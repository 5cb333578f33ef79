export { TokensModule } from './tokens.module.js';
export type { TokensOptions, JwtAlgorithm } from './tokens-options.js';
export { AccessTokenService } from './access-tokens.service.js';
export type { AccessClaims, AccessSubject } from './access-claims.js';
export { KeyRing } from './key-ring.js';
export { RefreshSecrets } from './refresh-secrets.js';
export { RevocationRegistry } from './revocation-registry.js';
