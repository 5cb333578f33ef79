import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Session } from './session.entity.js';

/**
 * JWT strategy: every refresh-token hash a session has rotated away from. A later presentation of
 * one is either a concurrent refresh inside the grace window or a replay that revokes the session.
 * Rows go with their session.
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
}
