import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { User } from '../users/index.js';

/** One sign-in on one device. The secret is never stored: only its SHA-256. */
@Entity({ name: 'sessions' })
export class Session {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Index('IDX_sessions_user_id')
  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_sessions_user_id' })
  user?: Relation<User>;

  /** SHA-256 of the current secret (hex). */
  @Index('IDX_sessions_token_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'last_seen_at', type: 'datetime', precision: 3 })
  lastSeenAt: Date;

  /** Indexed: the purge finds idle-expired rows by it. */
  @Index('IDX_sessions_idle_expires_at')
  @Column({ name: 'idle_expires_at', type: 'datetime', precision: 3 })
  idleExpiresAt: Date;

  @Index('IDX_sessions_absolute_expires_at')
  @Column({ name: 'absolute_expires_at', type: 'datetime', precision: 3 })
  absoluteExpiresAt: Date;

  @Index('IDX_sessions_revoked_at')
  @Column({ name: 'revoked_at', type: 'datetime', precision: 3, nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'revoked_reason', type: 'varchar', length: 32, nullable: true })
  revokedReason: string | null;

  /** JWT strategy: how many times the refresh token has rotated (bounds the rotated-token record). */
  @Column({ type: 'int', default: 0 })
  generation: number;

  /** JWT strategy: random, per generation; mixed into the current refresh token's successor. */
  @Column({ name: 'rotation_nonce', type: 'varchar', length: 43, nullable: true })
  rotationNonce: string | null;

  /** How the sign-in was proved (RFC 8176 values, space-separated): `pwd`, `pwd otp`, `pwd recovery`. */
  @Column({ type: 'varchar', length: 32, default: 'pwd' })
  amr: string;

  /** When the user last proved who they are on this session (sign-in or re-authentication). */
  @Column({ name: 'auth_time', type: 'datetime', precision: 3, nullable: true })
  authTime: Date | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;
}
