import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { generateSessionSecret, hashSessionSecret, isWellFormedSecret } from './session-secret.js';

describe('session secrets', () => {
  it('are 256 bits of base64url, different every time', () => {
    const secrets = new Set(Array.from({ length: 1000 }, generateSessionSecret));
    expect(secrets.size).toBe(1000);
    for (const secret of secrets) {
      expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
      expect(isWellFormedSecret(secret)).toBe(true);
    }
  });

  it('are stored as their SHA-256', () => {
    const secret = generateSessionSecret();
    expect(hashSessionSecret(secret)).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(hashSessionSecret(secret)).not.toContain(secret);
  });

  it.each(['', 'short', 'A'.repeat(44), `${'A'.repeat(42)}=`, `${'A'.repeat(42)}/`, 'a.b.c'])('%j is not well-formed', (value) => {
    expect(isWellFormedSecret(value)).toBe(false);
  });
});
