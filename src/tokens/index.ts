export type { JwtOptions, TokensOptions, JwtAlgorithm } from './tokens-options.js';
export { createJwtTokens, type JwtTokens } from './jwt-tokens.js';
export type { AccessClaims, AccessSubject } from './access-claims.js';
