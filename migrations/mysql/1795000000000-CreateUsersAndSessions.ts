import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateUsersAndSessions1795000000000 implements MigrationInterface {
  name = 'CreateUsersAndSessions1795000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      "CREATE TABLE `users` (`id` varchar(36) NOT NULL, `email` varchar(254) NOT NULL, `name` varchar(100) NULL, `password_hash` varchar(255) NOT NULL, `roles` text NOT NULL, `status` varchar(16) NOT NULL DEFAULT 'active', `version` int NOT NULL DEFAULT '1', `created_at` datetime(3) NOT NULL, `updated_at` datetime(3) NOT NULL, UNIQUE INDEX `IDX_users_email` (`email`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
    );
    await db.query(
      'CREATE TABLE `sessions` (`id` varchar(36) NOT NULL, `user_id` varchar(36) NOT NULL, `token_hash` varchar(64) NOT NULL, `created_at` datetime(3) NOT NULL, `last_seen_at` datetime(3) NOT NULL, `idle_expires_at` datetime(3) NOT NULL, `absolute_expires_at` datetime(3) NOT NULL, `revoked_at` datetime(3) NULL, `revoked_reason` varchar(32) NULL, `user_agent` varchar(512) NULL, `ip` varchar(64) NULL, INDEX `IDX_sessions_user_id` (`user_id`), UNIQUE INDEX `IDX_sessions_token_hash` (`token_hash`), INDEX `IDX_sessions_absolute_expires_at` (`absolute_expires_at`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
    );
    await db.query(
      'ALTER TABLE `sessions` ADD CONSTRAINT `FK_sessions_user_id` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE `sessions` DROP FOREIGN KEY `FK_sessions_user_id`');
    await db.query('DROP TABLE `sessions`');
    await db.query('DROP TABLE `users`');
  }
}
