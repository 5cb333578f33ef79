import { describe, expect, it } from '@jest/globals';
import { RevocationRegistry } from './revocation-registry.js';
import type { TokensOptions } from './tokens-options.js';

const registry = () => new RevocationRegistry({ accessTtlMs: 60_000 } as TokensOptions);

describe('RevocationRegistry', () => {
  it('rejects revoked sessions until no token issued before the revocation can be alive', () => {
    const r = registry();
    const at = Date.now();
    r.revokeSession('s1', at);
    expect(r.isSessionRevoked('s1')).toBe(true);
    expect(r.isSessionRevoked('s2')).toBe(false);
    r.prune(at + 60_000);
    expect(r.isSessionRevoked('s1')).toBe(true); // still inside TTL + skew
    r.prune(at + 60_000 + 30_001);
    expect(r.isSessionRevoked('s1')).toBe(false);
    r.onModuleDestroy();
  });

  it('marks claims older than the latest version stale, and never goes backwards', () => {
    const r = registry();
    r.claimsChanged('u1', 5);
    expect(r.areClaimsStale('u1', 4)).toBe(true);
    expect(r.areClaimsStale('u1', 5)).toBe(false);
    r.claimsChanged('u1', 3);
    expect(r.areClaimsStale('u1', 4)).toBe(true);
    expect(r.areClaimsStale('u2', 1)).toBe(false);
    expect(r.size).toEqual({ sessions: 0, users: 1 });
    r.onModuleDestroy();
  });
});

describe('RevocationRegistry against late or forged messages', () => {
  it('never shortens an entry: an old timestamp after a fresh one changes nothing', () => {
    const r = registry();
    const now = Date.now();
    r.revokeSession('s1', now);
    r.revokeSession('s1', 0);
    r.claimsChanged('u1', 3, now);
    r.claimsChanged('u1', 3, 0);
    r.prune(now + 1_000);
    expect(r.isSessionRevoked('s1')).toBe(true);
    expect(r.areClaimsStale('u1', 2)).toBe(true);
    r.onModuleDestroy();
  });
});
