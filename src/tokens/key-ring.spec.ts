import { describe, expect, it } from '@jest/globals';
import { createSecretKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { KeyRing, algorithmOf, thumbprint } from './key-ring.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

describe('KeyRing', () => {
  it('derives the algorithm from the key and refuses weak or unknown keys', () => {
    expect(algorithmOf(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey)).toBe('ES256');
    expect(algorithmOf(generateKeyPairSync('ed25519').privateKey)).toBe('EdDSA');
    expect(algorithmOf(createSecretKey(randomBytes(32)))).toBe('HS256');
    expect(() => algorithmOf(createSecretKey(randomBytes(16)))).toThrow(/32 bytes/);
    expect(() => algorithmOf(generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey)).toThrow(/unsupported/);
  });

  it('uses RFC 7638 thumbprints as kids (the RFC example)', () => {
    const jwk = {
      kty: 'RSA',
      n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
      alg: 'RS256',
    };
    expect(thumbprint(jwk)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it('signs with the first key, verifies with all, and publishes only public parameters', () => {
    const first = generateKeyPairSync('ed25519').privateKey;
    const second = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const ring = new KeyRing([first, second, createSecretKey(randomBytes(32))]);
    expect(ring.signing.alg).toBe('EdDSA');
    expect(ring.all).toHaveLength(3);
    const { keys } = ring.jwks();
    expect(keys).toHaveLength(2); // the HMAC secret is never published
    for (const key of keys) expect(Object.keys(key).sort()).not.toContain('d');
    expect(ring.find(keys[1].kid)?.alg).toBe('ES256');
    expect(ring.find('nope')).toBeUndefined();
    expect(ring.find(undefined)).toBeUndefined();
  });
});

describe('VerifiedTokenCache', () => {
  it('evicts the oldest entry when full', () => {
    const cache = new VerifiedTokenCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBe(2);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });
});

describe('VerifiedTokenCache in bytes', () => {
  it('evicts the oldest entries to stay under its byte budget, whatever the entry count', () => {
    const cache = new VerifiedTokenCache<number>(1_000_000, 4 * 1000);
    for (let i = 0; i < 100; i++) cache.set(`${i}`.padStart(100, 'x'), i);
    expect(cache.estimatedBytes).toBeLessThanOrEqual(4 * 1000);
    expect(cache.size).toBe(10);
    expect(cache.get('99'.padStart(100, 'x'))).toBe(99);
    expect(cache.get('0'.padStart(100, 'x'))).toBeUndefined();
  });
});
