import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The purge reads idle-expired rows by this column: without an index it scanned the whole table per batch. */
export class IndexSessionsIdleExpiresAt1795500000000 implements MigrationInterface {
  name = 'IndexSessionsIdleExpiresAt1795500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE INDEX `IDX_sessions_idle_expires_at` ON `sessions` (`idle_expires_at`)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX `IDX_sessions_idle_expires_at` ON `sessions`');
  }
}
