import { createSigner, createVerifier } from 'fast-jwt';
import { randomUUID } from 'node:crypto';
import { isAccessClaims, type AccessClaims, type AccessSubject } from './access-claims.js';
import { KeyRing, type SigningKey } from './key-ring.js';
import type { TokensOptions } from './tokens-options.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

const MAX_TOKEN_LENGTH = 4096;
/** Header parameters that point at keys elsewhere or demand extensions: never followed, so refused. */
const FORBIDDEN_HEADERS = ['jku', 'jwk', 'x5u', 'x5c', 'crit'];

type Verify = (token: string) => unknown;

/**
 * Signs and verifies access tokens. Verification uses fast-jwt (ES256/EdDSA/RS256/HS256) with one
 * verifier per key, chosen by `kid` from our own key ring, and a cache of verified tokens so a
 * repeated token costs a map lookup; `exp` is checked on every hit.
 */
export class AccessTokenService {
  private readonly sign: (payload: Record<string, unknown>) => string;
  private readonly verifiers = new Map<string, Verify>();
  private readonly cache = new VerifiedTokenCache<AccessClaims>(50_000);
  /** Our tokens live exactly the configured lifetime (or less); one second of rounding is allowed. */
  private readonly maxLifetimeSeconds: number;

  constructor(
    private readonly options: TokensOptions,
    private readonly keys: KeyRing,
  ) {
    this.maxLifetimeSeconds = Math.ceil(options.accessTtlMs / 1000) + 1;
    const signing = keys.signing;
    this.sign = createSigner({
      key: signing.signKey!,
      algorithm: signing.alg,
      kid: signing.kid,
      header: { alg: signing.alg, typ: 'at+jwt' },
    });
    for (const key of keys.all) this.verifiers.set(key.kid, this.createVerifier(key));
  }

  get cachedTokens(): { entries: number; bytes: number } {
    return { entries: this.cache.size, bytes: this.cache.estimatedBytes };
  }

  /** Issues a token for a session; it never outlives `notAfter` (the session's absolute expiry). */
  issue(subject: AccessSubject, notAfter?: Date, now = Date.now()): { token: string; expiresInMs: number; claims: AccessClaims } {
    const iat = Math.floor(now / 1000);
    const limit = notAfter ? Math.floor(notAfter.getTime() / 1000) : Infinity;
    const exp = Math.min(iat + Math.ceil(this.options.accessTtlMs / 1000), limit);
    const claims: AccessClaims = { iss: this.options.issuer, aud: this.options.audience, jti: randomUUID(), iat, exp, ...subject };
    return { token: this.sign({ ...claims }), expiresInMs: Math.max(0, exp * 1000 - now), claims };
  }

  /** The claims of a valid token, or null for anything else (never throws). */
  verify(token: string, now = Date.now()): AccessClaims | null {
    const cached = this.cache.get(token);
    if (cached) return cached.exp * 1000 > now ? cached : null;
    if (token.length > MAX_TOKEN_LENGTH) return null;
    const key = this.keyFor(token);
    if (!key) return null;
    try {
      const claims = this.verifiers.get(key.kid)!(token);
      if (!isAccessClaims(claims) || claims.exp * 1000 <= now) return null;
      // A token living longer than today's lifetime was issued under an older, longer one: the
      // revocation registry only remembers one lifetime back, so such a token cannot be vouched for.
      if (typeof claims.iat !== 'number' || claims.exp - claims.iat > this.maxLifetimeSeconds) return null;
      // Every later request with this token gets these very arrays: a handler must not be able to widen them.
      Object.freeze(claims.roles);
      Object.freeze(claims.perms);
      Object.freeze(claims.amr);
      this.cache.set(token, Object.freeze(claims));
      return claims;
    } catch {
      return null;
    }
  }

  /** Reads the protected header ourselves: the kid must be ours and the alg must be that key's. */
  private keyFor(token: string): SigningKey | undefined {
    const dot = token.indexOf('.');
    if (dot <= 0) return undefined;
    let header: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return undefined;
    }
    if (typeof header !== 'object' || header === null || FORBIDDEN_HEADERS.some((name) => name in header)) return undefined;
    const key = this.keys.find(header.kid);
    return key && header.alg === key.alg && header.typ === 'at+jwt' ? key : undefined;
  }

  private createVerifier(key: SigningKey): Verify {
    return createVerifier({
      key: key.verifyKey,
      algorithms: [key.alg],
      allowedIss: this.options.issuer,
      allowedAud: this.options.audience,
      checkTyp: 'at+jwt',
      requiredClaims: ['iss', 'aud', 'sub', 'sid', 'jti', 'iat', 'exp'],
      clockTolerance: 0,
      cache: false,
    });
  }
}
