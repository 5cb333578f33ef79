#!/usr/bin/env node
import 'reflect-metadata';
import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { realpathSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ConfigurationError, databaseConfigFromEnv, parseDuration, type DatabaseConfig, type Env } from '../config/index.js';
import { RegisterDto } from './auth/index.js';
import { flattenValidationErrors } from './common/validation.js';
import { typeormOptions } from './database/index.js';
import { UsersModule, UsersService } from './users/index.js';
import { DomainError } from './common/domain-error.js';
import { EventsModule } from './events/index.js';
import { SessionsModule, SessionsService } from './sessions/index.js';
import { MfaModule, SecondFactorStore } from './mfa/index.js';
import { ROLE_PATTERN } from './admin/index.js';

export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env?: Env;
}

const USAGE = `usage:
  nest-auth user:create --email <email> [--name <name>] [--roles admin,other] --password-stdin
  nest-auth migration:run | migration:revert | migration:show
  nest-auth session:purge [--retention 1d]
  nest-auth user:reset-mfa --email <email>`;

@Module({})
class CliModule {}

/** Only what user administration needs: no HTTP, no passport strategies, no background jobs. */
function cliModule(database: DatabaseConfig): DynamicModule {
  return { module: CliModule, imports: [TypeOrmModule.forRoot(typeormOptions(database)), EventsModule, UsersModule, SessionsModule, MfaModule] };
}

/** Parses `--flag value`, `--flag=value` and bare `--flag` arguments. Never echoes a value (it may be a secret). */
function parseFlags(args: string[]): Map<string, string | true> {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument at position ${i + 2}`);
    const equals = arg.indexOf('=');
    if (equals > 0) {
      flags.set(arg.slice(2, equals), arg.slice(equals + 1));
      continue;
    }
    const next = args[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      flags.set(arg.slice(2), next);
      i++;
    } else flags.set(arg.slice(2), true);
  }
  return flags;
}

const USER_CREATE_FLAGS = new Set(['email', 'name', 'roles', 'password-stdin']);

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Runs one command; returns the process exit code. */
export async function runCli(args: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  try {
    // Only DATABASE_* is read: inside a host app (`nest-auth`), the other variables belong to the host.
    const config = databaseConfigFromEnv(io.env);
    switch (command) {
      case 'user:create':
        return await createUser(rest, io, config);
      case 'session:purge':
        return await purgeSessions(rest, io, config);
      case 'user:reset-mfa':
        return await resetSecondFactor(rest, io, config);
      case 'migration:run':
      case 'migration:revert':
      case 'migration:show':
        return await migrations(command, io, config);
      default:
        io.stderr.write(`${USAGE}\n`);
        return 2;
    }
  } catch (error) {
    if (error instanceof ConfigurationError) {
      for (const line of error.problems) io.stderr.write(`config error: ${line}\n`);
    } else if (error instanceof DomainError && error.details) {
      // The rules a new account must pass (email identity, password strength) live in UsersService alone.
      for (const detail of error.details) io.stderr.write(`error: ${detail.field}: ${detail.errors.join('; ')}\n`);
      return 2;
    } else io.stderr.write(`error: ${(error as Error).message}\n`);
    return 1;
  }
}

async function createUser(args: string[], io: CliIo, config: DatabaseConfig): Promise<number> {
  const flags = parseFlags(args);
  if (flags.has('password')) {
    io.stderr.write('error: never pass a password on the command line; use --password-stdin\n');
    return 2;
  }
  const unknown = [...flags.keys()].filter((flag) => !USER_CREATE_FLAGS.has(flag));
  if (unknown.length > 0) {
    io.stderr.write(`error: unknown option ${unknown.map((flag) => `--${flag}`).join(', ')}\n${USAGE}\n`);
    return 2;
  }
  if (flags.get('password-stdin') !== true || typeof flags.get('email') !== 'string') {
    io.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const password = (await readAll(io.stdin)).replace(/\r?\n$/, '');
  const roles = typeof flags.get('roles') === 'string' ? (flags.get('roles') as string).split(',').map((r) => r.trim()).filter(Boolean) : [];
  const name = typeof flags.get('name') === 'string' ? (flags.get('name') as string) : undefined;
  const dto = plainToInstance(RegisterDto, { email: flags.get('email'), password, ...(name ? { name } : {}) });
  const problems = flattenValidationErrors(await validate(dto, { whitelist: true, forbidNonWhitelisted: true }));
  const badRoles = roles.filter((role) => !ROLE_PATTERN.test(role));
  if (badRoles.length) problems.push({ field: 'roles', errors: [`invalid role names: ${badRoles.join(', ')}`] });
  if (problems.length) {
    for (const p of problems) io.stderr.write(`error: ${p.field}: ${p.errors.join('; ')}\n`);
    return 2;
  }
  const app = await NestFactory.createApplicationContext(cliModule(config), { logger: ['error', 'warn'] });
  try {
    const user = await app.get(UsersService).create({ email: dto.email, password: dto.password, name: dto.name ?? null, roles });
    io.stdout.write(`created user ${user.id} <${user.email}> roles=[${user.roles.join(',')}]\n`);
    return 0;
  } finally {
    await app.close();
  }
}

/** What the service's purge job does on its interval, once, now (e.g. from cron when instances run none). */
async function purgeSessions(args: string[], io: CliIo, config: DatabaseConfig): Promise<number> {
  const flags = parseFlags(args);
  const text = flags.get('retention') ?? '1d';
  const retentionMs = typeof text === 'string' ? parseDuration(text) : undefined;
  if (retentionMs === undefined || [...flags.keys()].some((flag) => flag !== 'retention')) {
    io.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const app = await NestFactory.createApplicationContext(cliModule(config), { logger: ['error', 'warn'] });
  try {
    const started = performance.now();
    const purged = await app.get(SessionsService).purge(retentionMs);
    io.stdout.write(`purged ${purged} rows in ${Math.round(performance.now() - started)} ms\n`);
    return 0;
  } finally {
    await app.close();
  }
}

/**
 * Break glass: the last admin lost their authenticator and recovery codes, so nobody can call
 * DELETE /users/:id/mfa. Removes the user's second factor and ends every session of theirs
 * (running instances pick the revocations up from the database within their sync interval).
 */
async function resetSecondFactor(args: string[], io: CliIo, config: DatabaseConfig): Promise<number> {
  const flags = parseFlags(args);
  const email = flags.get('email');
  if (typeof email !== 'string' || [...flags.keys()].some((flag) => flag !== 'email')) {
    io.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const app = await NestFactory.createApplicationContext(cliModule(config), { logger: ['error', 'warn'] });
  try {
    const user = await app.get(UsersService).findByEmail(email);
    if (!user) {
      io.stderr.write('error: no user with this email\n');
      return 1;
    }
    // A mistyped address must not sign someone else out everywhere.
    if (!user.mfaEnabledAt) {
      io.stderr.write(`error: ${user.email} has no second factor; nothing was changed\n`);
      return 1;
    }
    const store = app.get(SecondFactorStore);
    await app.get(UsersService).setSecondFactor(user.id, null, null, (tx) => store.removeAll(tx, user.id));
    // In the service a reaction does this; the CLI has no reactions, so it revokes itself.
    const ended = await app.get(SessionsService).revokeAllForUser(user.id, 'mfa_changed');
    // The break glass leaves the same audit line as an admin's reset (warn: the CLI logs nothing quieter).
    new Logger('Audit').warn({ event: 'auth.mfa_reset', userId: user.id, via: 'cli', sessionsEnded: ended.length });
    io.stdout.write(`second factor removed for ${user.id} <${user.email}>; ${ended.length} sessions ended\n`);
    return 0;
  } finally {
    await app.close();
  }
}

async function migrations(command: string, io: CliIo, config: DatabaseConfig): Promise<number> {
  // Migrations may run long: the request-path statement timeout does not apply here.
  // The command reports what it did itself: no driver or schema chatter on stdout.
  const ds = new DataSource({ ...typeormOptions(config, { logger: 'simple-console' }), migrationsRun: false, enableQueryTimeout: false, logging: ['error'] } as DataSourceOptions);
  await ds.initialize();
  try {
    if (command === 'migration:run') {
      const applied = await ds.runMigrations({ transaction: 'each' });
      io.stdout.write(applied.length ? applied.map((m) => `applied ${m.name}\n`).join('') : 'no pending migrations\n');
    } else if (command === 'migration:revert') {
      await ds.undoLastMigration({ transaction: 'each' });
      io.stdout.write('reverted the last migration\n');
    } else {
      const pending = await ds.showMigrations();
      io.stdout.write(pending ? 'there are pending migrations\n' : 'schema is up to date\n');
    }
    return 0;
  } finally {
    await ds.destroy();
  }
}

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  runCli(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }).then(
    (code) => process.exit(code),
    () => process.exit(1),
  );
}
