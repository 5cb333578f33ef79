import { Injectable, type OnModuleInit } from '@nestjs/common';
import { hash, parseOptions, verify, type Options } from '@node-rs/argon2';
import { availableParallelism } from 'node:os';

/** argon2id at the OWASP baseline: 19 MiB, 2 passes, 1 lane. */
const ARGON2ID = 2 as Options['algorithm'];
export const PASSWORD_HASH_OPTIONS: Options = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/**
 * argon2 runs on libuv's thread pool (4 threads); on a small machine four hashes at once take every
 * core and authenticated reads starve behind a burst of sign-ins. At most one hash per core but one
 * runs at a time; the rest wait their turn, so one core always stays with the event loop.
 */
export const HASH_CONCURRENCY = Math.max(1, availableParallelism() - 1);

@Injectable()
export class PasswordHasher implements OnModuleInit {
  /** Verified when the user does not exist, so unknown users cost the same time as wrong passwords. */
  private dummyHash = '';
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  async onModuleInit(): Promise<void> {
    this.dummyHash = await this.hash('dummy password never used');
  }

  hash(password: string): Promise<string> {
    return this.limited(() => hash(password, PASSWORD_HASH_OPTIONS));
  }

  async verify(passwordHash: string | null, password: string): Promise<boolean> {
    try {
      const ok = await this.limited(() => verify(passwordHash ?? this.dummyHash, password));
      return ok && passwordHash !== null;
    } catch {
      return false;
    }
  }

  private async limited<T>(work: () => Promise<T>): Promise<T> {
    // A finishing hash hands its slot straight to the next in line, so the limit is never overshot.
    if (this.running >= HASH_CONCURRENCY) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }

  /** True when the stored hash was made with other parameters than today's. */
  needsRehash(passwordHash: string): boolean {
    try {
      const used = parseOptions(passwordHash);
      return (
        used.algorithm !== PASSWORD_HASH_OPTIONS.algorithm ||
        used.memoryCost !== PASSWORD_HASH_OPTIONS.memoryCost ||
        used.timeCost !== PASSWORD_HASH_OPTIONS.timeCost ||
        used.parallelism !== PASSWORD_HASH_OPTIONS.parallelism
      );
    } catch {
      return true;
    }
  }
}
