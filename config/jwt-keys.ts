import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';

/**
 * Parses AUTH_JWT_KEYS: PEM blocks (private or public), a JWK, a JWK Set, or a JSON array of JWKs.
 * `\n` escapes are accepted so a PEM fits on one line of an env file. Throws with a message on anything else.
 */
export function parseJwtKeys(text: string): KeyObject[] {
  const source = text.replace(/\\n/g, '\n').trim();
  if (source.startsWith('{') || source.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(source);
    } catch {
      // JSON.parse quotes its input in the message: never let key material reach a log.
      throw new Error('the JSON is malformed');
    }
    const list = Array.isArray(parsed) ? parsed : ((parsed as { keys?: unknown[] }).keys ?? [parsed]);
    return list.map((jwk) => jwkToKey(jwk as Record<string, unknown>));
  }
  const blocks = source.match(/-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g);
  if (!blocks) throw new Error('expected PEM blocks or JSON Web Keys');
  return blocks.map((pem) => (/PRIVATE KEY/.test(pem) ? createPrivateKey(pem) : createPublicKey(pem)));
}

function jwkToKey(jwk: Record<string, unknown>): KeyObject {
  if (jwk.kty === 'oct') {
    if (typeof jwk.k !== 'string') throw new Error('an "oct" JWK needs "k"');
    return createSecretKey(Buffer.from(jwk.k, 'base64url'));
  }
  return typeof jwk.d === 'string' ? createPrivateKey({ key: jwk as never, format: 'jwk' }) : createPublicKey({ key: jwk as never, format: 'jwk' });
}
