import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every instance reads the users changed since its last sync, every few seconds: an index keeps that cheap. */
export class IndexUsersUpdatedAt1795200000000 implements MigrationInterface {
  name = 'IndexUsersUpdatedAt1795200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX "IDX_users_updated_at" ON "users" ("updated_at")`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX "IDX_users_updated_at"`);
  }
}
