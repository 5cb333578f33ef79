import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateUsersAndSessions1795000000000 implements MigrationInterface {
  name = 'CreateUsersAndSessions1795000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE TABLE "users" ("id" varchar(36) PRIMARY KEY NOT NULL, "email" varchar(254) NOT NULL, "name" varchar(100), "password_hash" varchar(255) NOT NULL, "roles" text NOT NULL, "status" varchar(16) NOT NULL DEFAULT ('active'), "version" integer NOT NULL DEFAULT (1), "created_at" datetime(3) NOT NULL, "updated_at" datetime(3) NOT NULL)`,
    );
    await db.query(`CREATE UNIQUE INDEX "IDX_users_email" ON "users" ("email")`);
    await db.query(
      `CREATE TABLE "sessions" ("id" varchar(36) PRIMARY KEY NOT NULL, "user_id" varchar(36) NOT NULL, "token_hash" varchar(64) NOT NULL, "created_at" datetime(3) NOT NULL, "last_seen_at" datetime(3) NOT NULL, "idle_expires_at" datetime(3) NOT NULL, "absolute_expires_at" datetime(3) NOT NULL, "revoked_at" datetime(3), "revoked_reason" varchar(32), "user_agent" varchar(512), "ip" varchar(64), CONSTRAINT "FK_sessions_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await db.query(`CREATE INDEX "IDX_sessions_user_id" ON "sessions" ("user_id")`);
    await db.query(`CREATE UNIQUE INDEX "IDX_sessions_token_hash" ON "sessions" ("token_hash")`);
    await db.query(`CREATE INDEX "IDX_sessions_absolute_expires_at" ON "sessions" ("absolute_expires_at")`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE "sessions"`);
    await db.query(`DROP TABLE "users"`);
  }
}
