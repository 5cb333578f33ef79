import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity('notes')
@Index('IDX_notes_owner_created', ['ownerId', 'createdAt'])
export class Note {
  /** A UUID made by the app, so both dialects store the same varchar(36). */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'owner_id', type: 'varchar', length: 36 })
  ownerId: string;

  @Column({ type: 'text' })
  text: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
