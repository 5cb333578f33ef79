import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { QueryFailedError, type EntityManager, type Repository } from 'typeorm';
import { DomainError } from '../common/domain-error.js';
import {
  DomainEventBus,
  UserPasswordChangedEvent,
  UserRolesChangedEvent,
  UserSecondFactorChangedEvent,
  UserSuspendedEvent,
  UserUnsuspendedEvent,
} from '../events/index.js';
import { emailIdentityProblem, normalizeEmail } from './email.js';
import { PasswordHasher } from './password-hasher.js';
import { PasswordPolicy } from './password-policy.js';
import { User } from './user.entity.js';

export interface NewUser {
  email: string;
  password: string;
  name?: string | null;
  roles?: string[];
}

@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly bus: DomainEventBus,
  ) {}

  async create(input: NewUser): Promise<User> {
    const problem = emailIdentityProblem(input.email);
    if (problem) throw DomainError.field('INVALID_EMAIL', 'email', `email ${problem}`);
    this.assertAcceptable(input.password, { email: input.email, name: input.name }, 'password');
    const now = new Date();
    const user = this.users.create({
      id: randomUUID(),
      email: normalizeEmail(input.email),
      name: input.name ?? null,
      passwordHash: await this.hasher.hash(input.password),
      roles: input.roles ?? [],
      status: 'active',
      version: 1,
      mfaEnabledAt: null,
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.users.insert(user);
    } catch (error) {
      if (isDuplicateKey(error)) throw new DomainError('EMAIL_TAKEN', 'A user with this email already exists');
      throw error;
    }
    return user;
  }

  findById(id: string): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  async getById(id: string): Promise<User> {
    const user = await this.findById(id);
    if (!user) throw new DomainError('USER_NOT_FOUND', 'User not found');
    return user;
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOneBy({ email: normalizeEmail(email) });
  }

  async list(limit: number, offset: number): Promise<{ items: User[]; total: number }> {
    const [items, total] = await this.users.findAndCount({ order: { createdAt: 'ASC', id: 'ASC' }, take: limit, skip: offset });
    return { items, total };
  }

  /** Users changed since `since`, with their version (to rebuild claim versions after a restart). */
  changedSince(since: Date): Promise<Array<Pick<User, 'id' | 'version' | 'updatedAt'>>> {
    return this.users
      .createQueryBuilder('u')
      .select(['u.id', 'u.version', 'u.updatedAt'])
      .where('u.updatedAt >= :since', { since })
      .getMany();
  }

  /**
   * Checks an email and password. Unknown users, suspended users and wrong passwords all
   * return null after the same argon2 work, so none can be told apart.
   */
  async verifyCredentials(email: string, password: string): Promise<User | null> {
    return this.checkPassword(await this.findByEmail(email), password);
  }

  /** The password half of `verifyCredentials`, for a user already looked up (or null: same work, same answer). */
  async checkPassword(user: User | null, password: string): Promise<User | null> {
    const ok = await this.hasher.verify(user?.passwordHash ?? null, password);
    if (!user || !ok || user.status !== 'active') return null;
    if (this.hasher.needsRehash(user.passwordHash)) {
      // Parameters were raised since this hash was made: upgrade it while we hold the password,
      // unless the password changed meanwhile (never overwrite a newer hash).
      const upgraded = await this.hasher.hash(password);
      await this.users.update({ id: user.id, passwordHash: user.passwordHash }, { passwordHash: upgraded });
    }
    return user;
  }

  async setRoles(id: string, roles: string[]): Promise<User> {
    const user = await this.getById(id);
    const previous = user.roles;
    const next = [...new Set(roles)].sort();
    if (sameRoles(previous, next)) return user;
    await this.bump(user, { roles: next });
    await this.bus.publish(new UserRolesChangedEvent(user.id, previous, next, user.version));
    this.logger.log({ event: 'user.roles_changed', userId: user.id, from: previous, to: next });
    return user;
  }

  /** Idempotent: suspending a suspended user publishes the event again, so a half-applied suspension completes on retry. */
  async suspend(id: string): Promise<User> {
    const user = await this.getById(id);
    if (user.status !== 'suspended') await this.bump(user, { status: 'suspended' });
    await this.bus.publish(new UserSuspendedEvent(user.id, user.version));
    this.logger.log({ event: 'user.suspended', userId: user.id });
    return user;
  }

  async unsuspend(id: string): Promise<User> {
    const user = await this.getById(id);
    if (user.status === 'active') return user;
    await this.bump(user, { status: 'active' });
    await this.bus.publish(new UserUnsuspendedEvent(user.id, user.version));
    this.logger.log({ event: 'user.unsuspended', userId: user.id });
    return user;
  }

  /** Sets a new password; `keepSessionId` survives (self-service), null ends every session (admin reset). */
  async setPassword(id: string, newPassword: string, keepSessionId: string | null, field = 'password'): Promise<void> {
    const user = await this.getById(id);
    this.assertAcceptable(newPassword, user, field);
    await this.bump(user, { passwordHash: await this.hasher.hash(newPassword) });
    await this.bus.publish(new UserPasswordChangedEvent(user.id, keepSessionId, user.version));
    this.logger.log({ event: 'user.password_changed', userId: user.id, keepSessionId });
  }

  /**
   * Turns the second factor on (`enabledAt`) or off (null). `within` writes the factor's own rows in
   * the same transaction as the flag and the version bump (the bump voids pending sign-ins and
   * in-flight password checks); other sessions end, except `keepSessionId`.
   */
  async setSecondFactor(id: string, enabledAt: Date | null, keepSessionId: string | null, within: (tx: EntityManager) => Promise<boolean>): Promise<boolean> {
    const user = await this.getById(id);
    if (!(await this.bump(user, { mfaEnabledAt: enabledAt }, within))) return false;
    await this.bus.publish(new UserSecondFactorChangedEvent(user.id, enabledAt !== null, keepSessionId, user.version));
    this.logger.log({ event: enabledAt ? 'user.mfa_enabled' : 'user.mfa_disabled', userId: user.id, keepSessionId });
    return true;
  }

  /** Whether the current password is right, for self-service actions that ask for it again. */
  passwordMatches(user: User, password: string): Promise<boolean> {
    return this.hasher.verify(user.passwordHash, password);
  }

  /** Self-service change: the current password must be right. */
  async changePassword(id: string, currentPassword: string, newPassword: string, keepSessionId: string): Promise<void> {
    const user = await this.getById(id);
    if (!(await this.passwordMatches(user, currentPassword))) {
      throw new DomainError('CURRENT_PASSWORD_INVALID', 'The current password is not correct');
    }
    await this.setPassword(id, newPassword, keepSessionId, 'newPassword');
  }

  /** Every new password (registration, change, admin reset) passes the policy, with the account's own words as context. */
  private assertAcceptable(password: string, context: { email?: string; name?: string | null }, field: string): void {
    const problem = this.policy.problem(password, context);
    if (problem) throw DomainError.field('WEAK_PASSWORD', field, `${field} ${problem}`);
  }

  /**
   * Applies a change and bumps the version in one transaction, reading back the version it
   * committed (concurrent changes each get their own). Callers publish events only after this returns.
   */
  private async bump(
    user: User,
    changes: Partial<Pick<User, 'roles' | 'status' | 'passwordHash' | 'mfaEnabledAt'>>,
    within?: (tx: EntityManager) => Promise<boolean>,
  ): Promise<boolean> {
    const updatedAt = new Date();
    const version = await this.users.manager.transaction(async (tx) => {
      // Work that must commit with the change, or not at all (it may decline: nothing is written).
      if (within && !(await within(tx))) return null;
      await tx
        .createQueryBuilder()
        .update(User)
        .set({ ...changes, updatedAt, version: () => 'version + 1' })
        .where('id = :id', { id: user.id })
        .execute();
      return (await tx.findOneOrFail(User, { select: { id: true, version: true }, where: { id: user.id } })).version;
    });
    if (version === null) return false;
    Object.assign(user, changes, { updatedAt, version });
    return true;
  }
}

function sameRoles(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().every((role, i) => role === b[i]);
}

function isDuplicateKey(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code = (error.driverError as { code?: string } | undefined)?.code;
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
