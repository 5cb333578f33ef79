import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { IsNull, LessThan, type EntityManager, type Repository } from 'typeorm';
import { RecoveryCode } from './recovery-code.entity.js';
import { UserTotp } from './user-totp.entity.js';

/**
 * The rows of a user's second factor. Holds ciphertexts and hashes only; every write that must
 * happen once (a time step, a recovery code) is a conditional UPDATE, so two instances racing on
 * the same code cannot both accept it.
 */
@Injectable()
export class SecondFactorStore {
  constructor(
    @InjectRepository(UserTotp) private readonly totps: Repository<UserTotp>,
    @InjectRepository(RecoveryCode) private readonly codes: Repository<RecoveryCode>,
  ) {}

  findTotp(userId: string): Promise<UserTotp | null> {
    return this.totps.findOneBy({ userId });
  }

  /** A new enrolment, waiting for its first code; replaces one not yet confirmed. Never touches a confirmed one. */
  async savePending(userId: string, sealedSecret: string, now: Date, attempts = 2): Promise<boolean> {
    try {
      return await this.totps.manager.transaction(async (tx) => {
        await tx.delete(UserTotp, { userId, confirmedAt: IsNull() });
        if (await tx.existsBy(UserTotp, { userId })) return false;
        await tx.insert(UserTotp, { userId, secret: sealedSecret, createdAt: now, confirmedAt: null, lastUsedStep: null });
        return true;
      });
    } catch (error) {
      // Two enrolments started at once both found no row (InnoDB): the later one replaces the other's.
      if (attempts > 1 && isConflict(error)) return this.savePending(userId, sealedSecret, now, attempts - 1);
      throw error;
    }
  }

  /** Records that a code of `step` was used; false when that step (or a later one) was used already. */
  async useStep(userId: string, step: number, tx: EntityManager = this.totps.manager): Promise<boolean> {
    const result = await tx
      .createQueryBuilder()
      .update(UserTotp)
      .set({ lastUsedStep: step })
      .where('user_id = :userId AND (last_used_step IS NULL OR last_used_step < :step)', { userId, step })
      .execute();
    return result.affected === 1;
  }

  /** Inside the transaction that turns the factor on: the pending secret becomes the user's, with fresh recovery codes. */
  async confirm(tx: EntityManager, userId: string, sealedSecret: string, codeHashes: string[], now: Date): Promise<boolean> {
    const result = await tx.update(UserTotp, { userId, secret: sealedSecret, confirmedAt: IsNull() }, { confirmedAt: now });
    if (result.affected !== 1) return false;
    await this.replaceRecoveryCodes(userId, codeHashes, now, tx);
    return true;
  }

  async replaceRecoveryCodes(userId: string, codeHashes: string[], now: Date, tx: EntityManager = this.codes.manager): Promise<void> {
    await tx.delete(RecoveryCode, { userId });
    await tx.insert(
      RecoveryCode,
      codeHashes.map((codeHash) => ({ id: randomUUID(), userId, codeHash, createdAt: now, usedAt: null })),
    );
  }

  hasUnusedRecoveryCode(userId: string, codeHash: string): Promise<boolean> {
    return this.codes.existsBy({ userId, codeHash, usedAt: IsNull() });
  }

  /** Spends a recovery code; false when it is not one of the user's, or was used. */
  async useRecoveryCode(userId: string, codeHash: string, now: Date): Promise<boolean> {
    const result = await this.codes.update({ userId, codeHash, usedAt: IsNull() }, { usedAt: now });
    return result.affected === 1;
  }

  countUnusedRecoveryCodes(userId: string): Promise<number> {
    return this.codes.countBy({ userId, usedAt: IsNull() });
  }

  /** Everything of the user's second factor goes (turned off, or reset by an admin); always goes ahead (`true`). */
  async removeAll(tx: EntityManager, userId: string): Promise<true> {
    await tx.delete(RecoveryCode, { userId });
    await tx.delete(UserTotp, { userId });
    return true;
  }

  /** Enrolments never confirmed, older than `before`. */
  async purgeAbandoned(before: Date): Promise<number> {
    const result = await this.totps.delete({ confirmedAt: IsNull(), createdAt: LessThan(before) });
    return result.affected ?? 0;
  }
}

function isConflict(error: unknown): boolean {
  const code = (error as { driverError?: { code?: string } }).driverError?.code;
  return code === 'ER_DUP_ENTRY' || code === 'ER_LOCK_DEADLOCK' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
