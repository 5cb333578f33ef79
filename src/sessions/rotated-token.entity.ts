import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Session } from './session.entity.js';

/**
 * JWT strategy: every refresh-token hash a session has rotated away from. A later presentation of
 * one is either a concurrent refresh inside the grace window or a replay that revokes the session.
 * Rows go with their session, and only the last `ROTATED_TOKENS_KEPT` generations are kept.
 */
@Entity({ name: 'rotated_tokens' })
export class RotatedToken {
  @PrimaryColumn({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Index('IDX_rotated_tokens_session_id')
  @Column({ name: 'session_id', type: 'varchar', length: 36 })
  sessionId: string;

  @ManyToOne(() => Session, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'FK_rotated_tokens_session_id' })
  session?: Relation<Session>;

  @Column({ name: 'rotated_at', type: 'datetime', precision: 3 })
  rotatedAt: Date;

  /** The session's generation this token belonged to: only the last few are kept. */
  @Column({ type: 'int', default: 0 })
  generation: number;

  /** The nonce its successor was derived with (a concurrent refresh inside the grace window derives the same). */
  @Column({ type: 'varchar', length: 43, nullable: true })
  nonce: string | null;
}
