import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { IsNull, LessThan, MoreThan, type Repository } from 'typeorm';
import { generateSessionSecret, hashSessionSecret, isWellFormedSecret } from '../sessions/index.js';
import { MfaChallenge } from './mfa-challenge.entity.js';

/** How long a password-checked sign-in waits for its second factor. */
export const MFA_CHALLENGE_TTL_MS = 5 * 60_000;
/** Wrong codes a pending sign-in survives; the next one ends it. */
export const MFA_CHALLENGE_MAX_ATTEMPTS = 5;

/**
 * Pending two-step sign-ins, in the database so any instance can complete one. The token is a
 * 256-bit secret kept as its SHA-256; it proves only that the password was right, and it is
 * worthless without the second factor. Spending it is one conditional UPDATE (single use).
 */
@Injectable()
export class MfaChallenges {
  constructor(@InjectRepository(MfaChallenge) private readonly challenges: Repository<MfaChallenge>) {}

  async create(userId: string, userVersion: number, now: Date): Promise<string> {
    const token = generateSessionSecret();
    await this.challenges.insert({
      id: randomUUID(),
      tokenHash: hashSessionSecret(token),
      userId,
      userVersion,
      attempts: 0,
      createdAt: now,
      expiresAt: new Date(now.getTime() + MFA_CHALLENGE_TTL_MS),
      consumedAt: null,
    });
    return token;
  }

  /** The pending challenge for this token, or null when unknown, used, expired or out of attempts. */
  async find(token: string, now: Date): Promise<MfaChallenge | null> {
    if (!isWellFormedSecret(token)) return null;
    const challenge = await this.challenges.findOneBy({ tokenHash: hashSessionSecret(token) });
    return challenge && isOpen(challenge, now) ? challenge : null;
  }

  /**
   * Takes one of the challenge's tries before a code is checked, in one conditional UPDATE, so
   * parallel requests (on any instance) cannot check more codes than it allows. False when none is left.
   */
  async takeAttempt(challenge: MfaChallenge, now: Date): Promise<boolean> {
    const result = await this.challenges
      .createQueryBuilder()
      .update(MfaChallenge)
      .set({ attempts: () => 'attempts + 1' })
      .where('id = :id AND consumed_at IS NULL AND expires_at > :now AND attempts < :max', { id: challenge.id, now, max: MFA_CHALLENGE_MAX_ATTEMPTS })
      .execute();
    return result.affected === 1;
  }

  /** Spends the challenge; false when another request spent it first (or it expired meanwhile). */
  async consume(challenge: MfaChallenge, now: Date): Promise<boolean> {
    const result = await this.challenges.update({ id: challenge.id, consumedAt: IsNull(), expiresAt: MoreThan(now) }, { consumedAt: now });
    return result.affected === 1;
  }

  /** Expired or spent challenges go (the session purge runs this). */
  async purge(now: Date): Promise<number> {
    const expired = await this.challenges.delete({ expiresAt: LessThan(now) });
    return expired.affected ?? 0;
  }
}

function isOpen(challenge: MfaChallenge, now: Date): boolean {
  return challenge.consumedAt === null && challenge.expiresAt > now && challenge.attempts < MFA_CHALLENGE_MAX_ATTEMPTS;
}
