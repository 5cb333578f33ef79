import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A second factor: TOTP authenticators (secret encrypted), hashed recovery codes, pending two-step
 * sign-ins, and on each session how and when it was authenticated (existing rows: password, at creation).
 */
export class SecondFactor1795600000000 implements MigrationInterface {
  name = 'SecondFactor1795600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE "users" ADD COLUMN "mfa_enabled_at" datetime(3)`);
    await db.query(`ALTER TABLE "sessions" ADD COLUMN "amr" varchar(32) NOT NULL DEFAULT ('pwd')`);
    await db.query(`ALTER TABLE "sessions" ADD COLUMN "auth_time" datetime(3)`);
    await db.query(`UPDATE "sessions" SET "auth_time" = "created_at"`);
    const user = (table: string) => `CONSTRAINT "FK_${table}_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION`;
    await db.query(
      `CREATE TABLE "user_totp" ("user_id" varchar(36) PRIMARY KEY NOT NULL, "secret" varchar(255) NOT NULL, "created_at" datetime(3) NOT NULL, "confirmed_at" datetime(3), "last_used_step" integer, ${user('user_totp')})`,
    );
    await db.query(
      `CREATE TABLE "recovery_codes" ("id" varchar(36) PRIMARY KEY NOT NULL, "user_id" varchar(36) NOT NULL, "code_hash" varchar(64) NOT NULL, "created_at" datetime(3) NOT NULL, "used_at" datetime(3), ${user('recovery_codes')})`,
    );
    await db.query(`CREATE INDEX "IDX_recovery_codes_user_id" ON "recovery_codes" ("user_id")`);
    await db.query(
      `CREATE TABLE "mfa_challenges" ("id" varchar(36) PRIMARY KEY NOT NULL, "token_hash" varchar(64) NOT NULL, "user_id" varchar(36) NOT NULL, "user_version" integer NOT NULL, "attempts" integer NOT NULL DEFAULT (0), "created_at" datetime(3) NOT NULL, "expires_at" datetime(3) NOT NULL, "consumed_at" datetime(3), ${user('mfa_challenges')})`,
    );
    await db.query(`CREATE UNIQUE INDEX "IDX_mfa_challenges_token_hash" ON "mfa_challenges" ("token_hash")`);
    await db.query(`CREATE INDEX "IDX_mfa_challenges_user_id" ON "mfa_challenges" ("user_id")`);
    await db.query(`CREATE INDEX "IDX_mfa_challenges_expires_at" ON "mfa_challenges" ("expires_at")`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE "mfa_challenges"`);
    await db.query(`DROP TABLE "recovery_codes"`);
    await db.query(`DROP TABLE "user_totp"`);
    await db.query(`ALTER TABLE "sessions" DROP COLUMN "auth_time"`);
    await db.query(`ALTER TABLE "sessions" DROP COLUMN "amr"`);
    await db.query(`ALTER TABLE "users" DROP COLUMN "mfa_enabled_at"`);
  }
}
