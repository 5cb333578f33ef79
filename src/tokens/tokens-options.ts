import type { KeyObject } from 'node:crypto';

export type JwtAlgorithm = 'ES256' | 'EdDSA' | 'HS256' | 'RS256';

/** Options of the JWT strategy's token machinery. Durations are in milliseconds. */
export interface JwtOptions {
  /** The first signs; the rest only verify, so keys rotate without signing anyone out. */
  keys: KeyObject[];
  /** Development: where a generated key and refresh secret are kept when none are configured; null forbids generating. */
  devKeyFile: string | null;
  devAlgorithm: Exclude<JwtAlgorithm, 'RS256'>;
  accessTtlMs: number;
  issuer: string;
  audience: string;
  refreshGraceMs: number;
  refreshSecret: string | null;
}

/** The same options under the name the token classes take them. */
export type TokensOptions = JwtOptions;
