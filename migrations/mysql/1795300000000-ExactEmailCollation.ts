import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The server's default collation folds accents and case (`cärol` = `carol`), so lookups matched
 * other people's addresses. Identity is the normalized address compared byte for byte, as on SQLite.
 */
export class ExactEmailCollation1795300000000 implements MigrationInterface {
  name = 'ExactEmailCollation1795300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE `users` MODIFY `email` varchar(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE `users` MODIFY `email` varchar(254) CHARACTER SET utf8mb4 NOT NULL');
  }
}
