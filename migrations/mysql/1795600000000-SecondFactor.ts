import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A second factor: TOTP authenticators (secret encrypted), hashed recovery codes, pending two-step
 * sign-ins, and on each session how and when it was authenticated (existing rows: password, at creation).
 */
export class SecondFactor1795600000000 implements MigrationInterface {
  name = 'SecondFactor1795600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE `users` ADD `mfa_enabled_at` datetime(3) NULL');
    await db.query("ALTER TABLE `sessions` ADD `amr` varchar(32) NOT NULL DEFAULT 'pwd', ADD `auth_time` datetime(3) NULL");
    await db.query('UPDATE `sessions` SET `auth_time` = `created_at`');
    await db.query(
      'CREATE TABLE `user_totp` (`user_id` varchar(36) NOT NULL, `secret` varchar(255) NOT NULL, `created_at` datetime(3) NOT NULL, `confirmed_at` datetime(3) NULL, `last_used_step` int NULL, PRIMARY KEY (`user_id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
    );
    await db.query(
      'CREATE TABLE `recovery_codes` (`id` varchar(36) NOT NULL, `user_id` varchar(36) NOT NULL, `code_hash` varchar(64) NOT NULL, `created_at` datetime(3) NOT NULL, `used_at` datetime(3) NULL, INDEX `IDX_recovery_codes_user_id` (`user_id`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
    );
    await db.query(
      'CREATE TABLE `mfa_challenges` (`id` varchar(36) NOT NULL, `token_hash` varchar(64) NOT NULL, `user_id` varchar(36) NOT NULL, `user_version` int NOT NULL, `attempts` int NOT NULL DEFAULT 0, `created_at` datetime(3) NOT NULL, `expires_at` datetime(3) NOT NULL, `consumed_at` datetime(3) NULL, UNIQUE INDEX `IDX_mfa_challenges_token_hash` (`token_hash`), INDEX `IDX_mfa_challenges_user_id` (`user_id`), INDEX `IDX_mfa_challenges_expires_at` (`expires_at`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
    );
    for (const table of ['user_totp', 'recovery_codes', 'mfa_challenges']) {
      await db.query(
        `ALTER TABLE \`${table}\` ADD CONSTRAINT \`FK_${table}_user_id\` FOREIGN KEY (\`user_id\`) REFERENCES \`users\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
      );
    }
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['mfa_challenges', 'recovery_codes', 'user_totp']) {
      await db.query(`ALTER TABLE \`${table}\` DROP FOREIGN KEY \`FK_${table}_user_id\``);
      await db.query(`DROP TABLE \`${table}\``);
    }
    await db.query('ALTER TABLE `sessions` DROP COLUMN `auth_time`, DROP COLUMN `amr`');
    await db.query('ALTER TABLE `users` DROP COLUMN `mfa_enabled_at`');
  }
}
