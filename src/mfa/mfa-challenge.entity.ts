import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { User } from '../users/index.js';

/**
 * A sign-in half done: the password was right, the second factor is awaited. Its token is kept
 * only as a hash, lives minutes, is used once, and is bound to the user at the version whose
 * password was checked (a password change or a reset in between voids it).
 */
@Entity({ name: 'mfa_challenges' })
export class MfaChallenge {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Index('IDX_mfa_challenges_token_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Index('IDX_mfa_challenges_user_id')
  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_mfa_challenges_user_id' })
  user?: Relation<User>;

  @Column({ name: 'user_version', type: 'int' })
  userVersion: number;

  /** Wrong codes so far; a few end the challenge. */
  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  /** Indexed: the purge deletes expired challenges by it. */
  @Index('IDX_mfa_challenges_expires_at')
  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt: Date;

  @Column({ name: 'consumed_at', type: 'datetime', precision: 3, nullable: true })
  consumedAt: Date | null;
}
