import type { MigrationInterface, QueryRunner } from 'typeorm';
import type { Dialect } from '../config.js';

// Both classes carry the same migration name: a database only ever sees one of them.
const NAME = 'CreateNotes1800000000000';

class CreateNotesSqlite implements MigrationInterface {
  name = NAME;

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "notes" ("id" varchar(36) PRIMARY KEY NOT NULL, "owner_id" varchar(36) NOT NULL, "text" text NOT NULL, "created_at" datetime(3) NOT NULL)`,
    );
    await q.query(`CREATE INDEX "IDX_notes_owner_created" ON "notes" ("owner_id", "created_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "notes"`);
  }
}

class CreateNotesMysql implements MigrationInterface {
  name = NAME;

  async up(q: QueryRunner): Promise<void> {
    // No foreign key to the auth module's users table: its schema is the module's business.
    await q.query(
      'CREATE TABLE `notes` (`id` varchar(36) NOT NULL, `owner_id` varchar(36) NOT NULL, `text` text NOT NULL, `created_at` datetime(3) NOT NULL, ' +
        'PRIMARY KEY (`id`), INDEX `IDX_notes_owner_created` (`owner_id`, `created_at`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE `notes`');
  }
}

export function noteMigrations(dialect: Dialect) {
  return dialect === 'sqlite' ? [CreateNotesSqlite] : [CreateNotesMysql];
}
