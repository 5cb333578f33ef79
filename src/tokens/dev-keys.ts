import { createSecretKey, generateKeyPairSync, randomBytes, createPrivateKey, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TokensOptions } from './tokens-options.js';

interface DevKeyFile {
  jwk: Record<string, unknown>;
  refreshSecret: string;
}

/**
 * Development convenience: when no key is configured, generate one once and keep it in the
 * data folder, so restarts do not sign everyone out. Production refuses to boot instead.
 */
export function loadOrCreateDevKeys(file: string, algorithm: TokensOptions['devAlgorithm']): { key: KeyObject; refreshSecret: string } {
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as DevKeyFile;
    const key = stored.jwk.kty === 'oct' ? createSecretKey(Buffer.from(stored.jwk.k as string, 'base64url')) : createPrivateKey({ key: stored.jwk as never, format: 'jwk' });
    return { key, refreshSecret: stored.refreshSecret };
  }
  let key: KeyObject;
  if (algorithm === 'HS256') key = createSecretKey(randomBytes(32));
  else if (algorithm === 'EdDSA') key = generateKeyPairSync('ed25519').privateKey;
  else key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
  const refreshSecret = randomBytes(32).toString('base64url');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ jwk: key.export({ format: 'jwk' }), refreshSecret } satisfies DevKeyFile), { mode: 0o600 });
  return { key, refreshSecret };
}
