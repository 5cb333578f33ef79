import 'reflect-metadata';
import { Controller, Get, type DynamicModule, type INestApplication, type ModuleMetadata, type Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { authMigrations, CurrentUser, Public, Roles, type AuthUser, type Env } from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';

/** A host's own controller, as in the README: deny-by-default, a public route and an admin route. */
@Controller('notes')
export class NotesController {
  @Get() mine(@CurrentUser() user: AuthUser) {
    return { owner: user.id };
  }
  @Public() @Get('open') open() {
    return { open: true };
  }
  @Roles('admin') @Get('admin') admin() {
    return { admin: true };
  }
}

/** The environment a host would have; each host gets its own development keys. */
export function hostEnv(extra: Env = {}): Env {
  const keys = mkdtempSync(join(tmpdir(), 'auth-keys-'));
  return { NODE_ENV: 'test', AUTH_JWT_DEV_KEY_FILE: join(keys, 'k.json'), AUTH_MFA_DEV_KEY_FILE: join(keys, 'mfa.json'), ...extra };
}

export interface BareHost {
  app: INestApplication;
  http: ReturnType<typeof request>;
  close(): Promise<void>;
}

/**
 * A host application with nothing global of its own: no filter, no pipes, no cookie parser,
 * Nest's default body parser; only TypeORM and the module, mounted through the public entry.
 */
export async function startBareHost(auth: DynamicModule, extra: Pick<ModuleMetadata, 'imports' | 'providers'> & { controllers?: Type[] } = {}): Promise<BareHost> {
  const db: TestDatabase = await createTestDatabase('sqlite');
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({
        type: 'better-sqlite3',
        database: db.url.slice('sqlite:'.length),
        autoLoadEntities: true,
        migrations: authMigrations('sqlite'),
        migrationsRun: true,
        logging: false,
      }),
      auth,
      ...(extra.imports ?? []),
    ],
    controllers: extra.controllers ?? [NotesController],
    providers: extra.providers ?? [],
  })
    .setLogger(false as never)
    .compile();
  const app = moduleRef.createNestApplication({ logger: false });
  try {
    await app.init();
  } catch (error) {
    // A host that refuses to start still leaves nothing behind.
    await app.close().catch(() => undefined);
    await db.drop();
    throw error;
  }
  return {
    app,
    http: request(app.getHttpServer()),
    async close() {
      await app.close();
      await db.drop();
    },
  };
}
