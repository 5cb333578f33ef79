import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { User } from '../users/index.js';

/** A user's TOTP authenticator. The secret cannot be hashed (codes are computed from it): it is stored encrypted. */
@Entity({ name: 'user_totp' })
export class UserTotp {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  // Many-to-one in the mapping only: the primary key already makes it one per user.
  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_user_totp_user_id' })
  user?: Relation<User>;

  /** AES-256-GCM ciphertext of the base32 secret, bound to the user id (see SecretBox). */
  @Column({ type: 'varchar', length: 255 })
  secret: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  /** Null while enrolment waits for its first code. */
  @Column({ name: 'confirmed_at', type: 'datetime', precision: 3, nullable: true })
  confirmedAt: Date | null;

  /** The last time step a code was accepted for: a code is good once (RFC 6238 §5.2). */
  @Column({ name: 'last_used_step', type: 'int', nullable: true })
  lastUsedStep: number | null;
}
