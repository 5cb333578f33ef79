import type { MigrationInterface, QueryRunner } from 'typeorm';

/** JWT strategy: the previous refresh-token hash (grace window, reuse detection) and when it rotated. */
export class AddRefreshRotation1795100000000 implements MigrationInterface {
  name = 'AddRefreshRotation1795100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE `sessions` ADD `previous_token_hash` varchar(64) NULL');
    await db.query('ALTER TABLE `sessions` ADD `rotated_at` datetime(3) NULL');
    await db.query('CREATE INDEX `IDX_sessions_previous_token_hash` ON `sessions` (`previous_token_hash`)');
    await db.query('CREATE INDEX `IDX_sessions_revoked_at` ON `sessions` (`revoked_at`)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX `IDX_sessions_revoked_at` ON `sessions`');
    await db.query('DROP INDEX `IDX_sessions_previous_token_hash` ON `sessions`');
    await db.query('ALTER TABLE `sessions` DROP COLUMN `rotated_at`');
    await db.query('ALTER TABLE `sessions` DROP COLUMN `previous_token_hash`');
  }
}
