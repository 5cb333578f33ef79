import type { MigrationInterface, QueryRunner } from 'typeorm';

/** JWT strategy: refresh-token hashes a session rotated away from (grace window, reuse detection). */
export class AddRotatedTokens1795100000000 implements MigrationInterface {
  name = 'AddRotatedTokens1795100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      'CREATE TABLE `rotated_tokens` (`token_hash` varchar(64) NOT NULL, `session_id` varchar(36) NOT NULL, `rotated_at` datetime(3) NOT NULL, INDEX `IDX_rotated_tokens_session_id` (`session_id`), PRIMARY KEY (`token_hash`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
    );
    await db.query(
      'ALTER TABLE `rotated_tokens` ADD CONSTRAINT `FK_rotated_tokens_session_id` FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    // Rebuilding the revocation registry at boot reads recent revocations.
    await db.query('CREATE INDEX `IDX_sessions_revoked_at` ON `sessions` (`revoked_at`)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX `IDX_sessions_revoked_at` ON `sessions`');
    await db.query('ALTER TABLE `rotated_tokens` DROP FOREIGN KEY `FK_rotated_tokens_session_id`');
    await db.query('DROP TABLE `rotated_tokens`');
  }
}
