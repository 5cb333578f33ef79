import { describe, expect, it } from '@jest/globals';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { LimiterKeyCap } from './limiter-key-cap.js';

describe('LimiterKeyCap', () => {
  it('keeps the most recently used keys and forgets the oldest beyond its capacity', async () => {
    const limiter = new RateLimiterMemory({ points: 10, duration: 60 });
    const cap = new LimiterKeyCap([limiter], 3);
    for (const key of ['a', 'b', 'c']) {
      cap.touch(key);
      await limiter.consume(key);
    }
    cap.touch('a'); // used again: now the newest
    cap.touch('d');
    await limiter.consume('d');
    await new Promise((resolve) => setImmediate(resolve));
    expect(cap.size).toBe(3);
    expect(await limiter.get('b')).toBeNull();
    expect((await limiter.get('a'))?.consumedPoints).toBe(1);
    expect((await limiter.get('c'))?.consumedPoints).toBe(1);
  });

  it('stays bounded under a spray of distinct keys', () => {
    const limiter = new RateLimiterMemory({ points: 10, duration: 60 });
    const cap = new LimiterKeyCap([limiter], 1_000);
    for (let i = 0; i < 10_000; i++) cap.touch(`ghost${i}@example.com`);
    expect(cap.size).toBe(1_000);
  });
});
