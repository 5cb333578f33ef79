import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Module } from '@nestjs/common';
import { TypeOrmModule, type TypeOrmModuleOptions } from '@nestjs/typeorm';
import { AuthModule, authMigrations } from 'nest-dual-session-auth';
import { authOptions, databaseSettings } from './config.js';
import { NotesModule } from './notes/notes.module.js';
import { noteMigrations } from './notes/migrations.js';
import { WebModule } from './web/web.module.js';

function typeormOptions(): TypeOrmModuleOptions {
  const db = databaseSettings();
  const common = {
    autoLoadEntities: true, // the auth module registers its own entities
    migrations: [...authMigrations(db.dialect), ...noteMigrations(db.dialect)],
    migrationsRun: true,
    synchronize: false,
  };
  if (db.dialect === 'sqlite') {
    mkdirSync(dirname(db.path), { recursive: true });
    return { ...common, type: 'better-sqlite3', database: db.path, enableWAL: true };
  }
  return { ...common, type: db.type, url: db.url, charset: 'utf8mb4', timezone: 'Z' };
}

@Module({
  imports: [
    TypeOrmModule.forRootAsync({ useFactory: typeormOptions }),
    AuthModule.forRootAsync({ useFactory: authOptions }),
    NotesModule,
    WebModule,
  ],
})
export class AppModule {}
