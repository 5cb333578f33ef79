import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * JWT refresh: a generation counter, so the record of rotated-away tokens stays bounded per
 * session, and a random nonce per generation mixed into the successor, so the refresh secret and
 * an old token are not enough to compute the next one.
 */
export class RefreshGenerations1795400000000 implements MigrationInterface {
  name = 'RefreshGenerations1795400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE `sessions` ADD `generation` int NOT NULL DEFAULT 0, ADD `rotation_nonce` varchar(43) NULL');
    await db.query('ALTER TABLE `rotated_tokens` ADD `generation` int NOT NULL DEFAULT 0, ADD `nonce` varchar(43) NULL');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE `rotated_tokens` DROP COLUMN `nonce`, DROP COLUMN `generation`');
    await db.query('ALTER TABLE `sessions` DROP COLUMN `rotation_nonce`, DROP COLUMN `generation`');
  }
}
