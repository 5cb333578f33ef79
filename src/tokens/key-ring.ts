import { createHash, createHmac, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { JwtAlgorithm } from './tokens-options.js';

export interface SigningKey {
  kid: string;
  alg: JwtAlgorithm;
  /** PEM (asymmetric) or raw bytes (HMAC), the form fast-jwt takes. */
  signKey?: string | Buffer;
  verifyKey: string | Buffer;
  publicJwk?: JsonWebKey;
}

/** The algorithm a key is for; anything else is refused (an allow-list, not a guess from the token). */
export function algorithmOf(key: KeyObject): JwtAlgorithm {
  if (key.type === 'secret') {
    if ((key.symmetricKeySize ?? 0) < 32) throw new Error('an HS256 secret must be at least 32 bytes');
    return 'HS256';
  }
  const type = key.asymmetricKeyType;
  if (type === 'ed25519') return 'EdDSA';
  if (type === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  if (type === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048) return 'RS256';
  throw new Error(`unsupported key type ${type ?? key.type}: use P-256 (ES256), Ed25519 (EdDSA), RSA ≥ 2048 (RS256) or a 32-byte secret (HS256)`);
}

/** RFC 7638 thumbprint: a stable kid derived from the key itself. */
export function thumbprint(jwk: JsonWebKey): string {
  const members: Record<string, string[]> = { EC: ['crv', 'kty', 'x', 'y'], OKP: ['crv', 'kty', 'x'], RSA: ['e', 'kty', 'n'], oct: ['k', 'kty'] };
  const required = members[jwk.kty as string];
  const canonical = JSON.stringify(Object.fromEntries(required.map((name) => [name, (jwk as Record<string, unknown>)[name]])));
  return createHash('sha256').update(canonical).digest('base64url');
}

function toSigningKey(key: KeyObject): SigningKey {
  const alg = algorithmOf(key);
  if (key.type === 'secret') {
    const secret = key.export();
    // Never a hash of the raw secret; stable across restarts and instances (they must agree on it).
    return { kid: createHmac('sha256', secret).update('nest-dual-session-auth kid').digest('base64url').slice(0, 22), alg, signKey: secret, verifyKey: secret };
  }
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const publicJwk = publicKey.export({ format: 'jwk' });
  return {
    kid: thumbprint(publicJwk),
    alg,
    signKey: key.type === 'private' ? (key.export({ format: 'pem', type: 'pkcs8' }) as string) : undefined,
    verifyKey: publicKey.export({ format: 'pem', type: 'spki' }) as string,
    publicJwk: { ...publicJwk, kid: thumbprint(publicJwk), alg, use: 'sig' } as JsonWebKey,
  };
}

/** The configured keys: the first signs, all verify; `kid` must name one of them. */
export class KeyRing {
  readonly signing: SigningKey;
  private readonly byKid = new Map<string, SigningKey>();

  constructor(keys: KeyObject[]) {
    if (keys.length === 0) throw new Error('no JWT signing key is configured (AUTH_JWT_KEYS)');
    const ring = keys.map(toSigningKey);
    if (!ring[0].signKey) throw new Error('the first JWT key signs, so it must be a private key or a secret');
    this.signing = ring[0];
    for (const key of ring) this.byKid.set(key.kid, key);
  }

  find(kid: unknown): SigningKey | undefined {
    return typeof kid === 'string' ? this.byKid.get(kid) : undefined;
  }

  get all(): SigningKey[] {
    return [...this.byKid.values()];
  }

  /** The public JWK Set: never a private or secret parameter (HMAC keys are not published at all). */
  jwks(): { keys: JsonWebKey[] } {
    return { keys: this.all.flatMap((key) => (key.publicJwk ? [key.publicJwk] : [])) };
  }
}
