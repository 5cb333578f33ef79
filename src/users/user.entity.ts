import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type UserStatus = 'active' | 'suspended';

@Entity({ name: 'users' })
export class User {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** Stored normalized (trimmed, lower-cased) so uniqueness holds whatever the client typed. */
  @Index('IDX_users_email', { unique: true })
  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  name: string | null;

  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash: string;

  @Column({ type: 'simple-json' })
  roles: string[];

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status: UserStatus;

  /** Bumped on every change that affects sessions (roles, status, password). */
  @Column({ type: 'int', default: 1 })
  version: number;

  /** When a second factor was confirmed; null: password only. Read with the user, so sign-in needs no extra query. */
  @Column({ name: 'mfa_enabled_at', type: 'datetime', precision: 3, nullable: true })
  mfaEnabledAt: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  /** Indexed: instances catch up on changed users by it. */
  @Index('IDX_users_updated_at')
  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
