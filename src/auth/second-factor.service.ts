import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuthMetrics } from '../cluster/index.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import {
  hashRecoveryCode,
  hashRecoveryCodes,
  matchTotp,
  MfaChallenges,
  newRecoveryCodes,
  newTotpSecret,
  normalizeRecoveryCode,
  SecondFactorStore,
  SecretBox,
  totpUri,
} from '../mfa/index.js';
import { SessionsService, type Assurance } from '../sessions/index.js';
import { UsersService, type User } from '../users/index.js';
import { AssurancePolicy } from './assurance-policy.js';
import type { AuthContext, ClientInfo } from './auth-context.js';
import type { AuthModuleOptions } from './auth-options.js';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition.js';
import { SessionProvider, type IssuedCredentials } from './session-provider.js';
import { SignInLimiter } from './sign-in-limiter.js';

/** A second factor as presented: the authenticator's code, or a recovery code. */
export interface SecondFactorProof {
  code?: string;
  recoveryCode?: string;
}

type Method = 'otp' | 'recovery';

/**
 * The second factor, the same under both strategies: TOTP enrolment with recovery codes, the
 * second step of sign-in, and re-authentication. Every code is counted against the account's
 * sign-in limits before it is checked; a password-checked sign-in is finished only here.
 */
@Injectable()
export class SecondFactorService {
  private readonly audit = new Logger('Audit');
  private readonly box: SecretBox;
  private readonly issuer: string;

  constructor(
    @Inject(AUTH_MODULE_OPTIONS) options: AuthModuleOptions,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly store: SecondFactorStore,
    private readonly challenges: MfaChallenges,
    private readonly limiter: SignInLimiter,
    private readonly provider: SessionProvider,
    private readonly clock: Clock,
    private readonly policy: AssurancePolicy,
    private readonly metrics: AuthMetrics,
  ) {
    this.box = new SecretBox(options.mfa?.encryptionKeys ?? [], options.mfa?.devKeyFile ?? null);
    this.issuer = options.mfa?.issuer ?? 'nest-auth';
  }

  async status(userId: string): Promise<{ enabled: boolean; recoveryCodesRemaining: number }> {
    const user = await this.users.getById(userId);
    const enabled = user.mfaEnabledAt !== null;
    return { enabled, recoveryCodesRemaining: enabled ? await this.store.countUnusedRecoveryCodes(userId) : 0 };
  }

  /** Step one of enrolment: a new secret, kept encrypted and unconfirmed until a code from it arrives. */
  async beginEnrolment(auth: AuthContext, password: string, client: ClientInfo): Promise<{ secret: string; otpauthUrl: string }> {
    if (!this.box.available) throw new DomainError('MFA_UNAVAILABLE', 'The second factor is not configured on this service');
    const user = await this.checkPassword(auth, password, client);
    if (user.mfaEnabledAt) throw new DomainError('MFA_ALREADY_ENABLED', 'A second factor is already enabled; disable it first');
    await this.limiter.succeeded({ ip: client.ip, email: user.email });
    const secret = newTotpSecret();
    if (!(await this.store.savePending(user.id, this.seal(secret, user.id), this.now()))) {
      throw new DomainError('MFA_ALREADY_ENABLED', 'A second factor is already enabled; disable it first');
    }
    this.audit.log({ event: 'auth.mfa_enrolment_started', userId: user.id, sessionId: auth.sessionId });
    return { secret, otpauthUrl: totpUri(this.issuer, user.email, secret) };
  }

  /**
   * Step two: a code from the new secret turns the factor on, with ten recovery codes (returned
   * once, stored hashed). The user's other sessions end; this one now counts as two-factor.
   */
  async confirmEnrolment(auth: AuthContext, code: string, client: ClientInfo): Promise<{ recoveryCodes: string[]; reissue: IssuedCredentials | null }> {
    const userId = auth.user.id;
    const pending = await this.store.findTotp(userId);
    if (pending?.confirmedAt) throw new DomainError('MFA_ALREADY_ENABLED', 'A second factor is already enabled');
    if (!pending) throw new DomainError('MFA_NOT_PENDING', 'Start enrolment first (POST /mfa/totp)');
    await this.limiter.takeSecondFactor(userId);
    const now = this.now();
    const step = await matchTotp(this.open(pending.secret, userId), code.trim(), now.getTime(), pending.lastUsedStep);
    if (step === null || !(await this.store.useStep(userId, step))) throw wrongCode(400);
    await this.limiter.secondFactorSucceeded(userId);
    const recoveryCodes = newRecoveryCodes();
    const hashes = hashRecoveryCodes(recoveryCodes);
    const enabled = await this.users.setSecondFactor(userId, now, auth.sessionId, (tx) => this.store.confirm(tx, userId, pending.secret, hashes, now));
    if (!enabled) throw new DomainError('MFA_NOT_PENDING', 'The enrolment changed meanwhile; start again');
    this.audit.log({ event: 'auth.mfa_enabled', userId, sessionId: auth.sessionId, ip: client.ip });
    // The code just proved possession of the factor: this session is now a two-factor one.
    const reissue = await this.raise(auth, { amr: ['pwd', 'otp'], authTime: now });
    return { recoveryCodes, reissue };
  }

  /** Turns the factor off with the password and a current code; refused while a role requires it. */
  async disable(auth: AuthContext, password: string, code: string, client: ClientInfo): Promise<void> {
    const user = await this.users.getById(auth.user.id);
    if (!user.mfaEnabledAt) throw new DomainError('MFA_NOT_ENABLED', 'No second factor is enabled');
    if (this.policy.requiresMfa(user.roles)) throw new DomainError('MFA_REQUIRED_BY_POLICY', 'Your role requires a second factor');
    await this.checkPassword(auth, password, client, user);
    if (!(await this.proveFactor(user, { code }, this.now()))) throw wrongCode(400);
    await this.limiter.succeeded({ ip: client.ip, email: user.email });
    await this.users.setSecondFactor(user.id, null, auth.sessionId, (tx) => this.store.removeAll(tx, user.id));
    this.audit.log({ event: 'auth.mfa_disabled', userId: user.id, sessionId: auth.sessionId, ip: client.ip });
  }

  /** A new set of recovery codes (the old ones stop working), against a current authenticator code. */
  async regenerateRecoveryCodes(auth: AuthContext, code: string, client: ClientInfo): Promise<string[]> {
    const user = await this.users.getById(auth.user.id);
    if (!user.mfaEnabledAt) throw new DomainError('MFA_NOT_ENABLED', 'No second factor is enabled');
    const now = this.now();
    if (!(await this.proveFactor(user, { code }, now))) throw wrongCode(400);
    const recoveryCodes = newRecoveryCodes();
    await this.store.replaceRecoveryCodes(user.id, hashRecoveryCodes(recoveryCodes), now);
    this.audit.log({ event: 'auth.mfa_recovery_codes_regenerated', userId: user.id, sessionId: auth.sessionId });
    return recoveryCodes;
  }

  /** An administrator removes a user's second factor (a lost device): every session of theirs ends. */
  async reset(userId: string): Promise<void> {
    await this.users.setSecondFactor(userId, null, null, (tx) => this.store.removeAll(tx, userId));
    this.audit.log({ event: 'auth.mfa_reset', userId });
  }

  /** The password was right and the account has a second factor: a pending sign-in, not a session. */
  challenge(user: User): Promise<string> {
    return this.challenges.create(user.id, user.version, this.now());
  }

  /**
   * Finishes a two-step sign-in. The pending token must be open and its user unchanged since the
   * password check. Each try takes one of the token's five and a point of the user's second-factor
   * counters (the account limits, on counters only codes fill); the factor is spent only once the
   * token is claimed.
   */
  async complete(mfaToken: string, proof: SecondFactorProof, client: ClientInfo): Promise<{ user: User; assurance: Assurance }> {
    await this.limiter.takeAddress(client.ip);
    const now = this.now();
    const challenge = await this.challenges.find(mfaToken, now);
    const user = challenge && (await this.users.findById(challenge.userId));
    const method = given(proof.code) ? 'otp' : 'recovery';
    const expired = () => {
      this.metrics.secondFactors.inc({ outcome: 'expired', method });
      return expiredSignIn();
    };
    const wrong = () => {
      this.metrics.secondFactors.inc({ outcome: 'failure', method });
      this.audit.warn({ event: 'auth.mfa_failed', userId: user!.id, ip: client.ip, method });
      return wrongCode(401);
    };
    if (!challenge || !user || user.version !== challenge.userVersion || user.status !== 'active' || !user.mfaEnabledAt) throw expired();
    await this.limiter.takeSecondFactor(user.id);
    if (!(await this.challenges.takeAttempt(challenge, now))) throw expired();
    const factor = await this.checkFactor(user, proof, now);
    if (!factor) throw wrong();
    if (!(await this.challenges.consume(challenge, now))) throw expired();
    // A replay racing this request may have spent the same step or code first.
    if (!(await factor.spend())) throw wrong();
    this.metrics.secondFactors.inc({ outcome: 'success', method });
    await this.limiter.secondFactorSucceeded(user.id);
    await this.limiter.rewardAddress(client.ip);
    if (factor.method === 'recovery') this.audit.warn({ event: 'auth.mfa_recovery_code_used', userId: user.id, ip: client.ip });
    return { user, assurance: { amr: ['pwd', factor.method], authTime: now } };
  }

  /**
   * Proves the user again on the current session (the password, and the second factor when they
   * have one): its `auth_time` moves to now. Returns a new access credential where the old one
   * carries the old time (JWT).
   */
  async reauthenticate(auth: AuthContext, password: string, proof: SecondFactorProof, client: ClientInfo): Promise<Assurance & { reissue: IssuedCredentials | null }> {
    const user = await this.checkPassword(auth, password, client);
    const amr = ['pwd'];
    const now = this.now();
    if (user.mfaEnabledAt) {
      if (!given(proof.code) && !given(proof.recoveryCode)) {
        throw DomainError.field('INVALID_MFA_CODE', 'code', 'code is required: this account has a second factor');
      }
      const method = await this.proveFactor(user, proof, now);
      if (!method) throw wrongCode(400);
      amr.push(method);
    }
    await this.limiter.succeeded({ ip: client.ip, email: user.email });
    const assurance = { amr, authTime: now };
    const reissue = await this.raise(auth, assurance);
    this.audit.log({ event: 'auth.reauthenticated', userId: user.id, sessionId: auth.sessionId, amr });
    return { ...assurance, reissue };
  }

  /** Records the new assurance on the session row; the provider re-encodes what carries it. */
  private async raise(auth: AuthContext, assurance: Assurance): Promise<IssuedCredentials | null> {
    if (!(await this.sessions.recordAuthentication(auth.sessionId, auth.user.id, assurance))) {
      throw new DomainError('UNAUTHENTICATED', 'This session has ended');
    }
    return (await this.provider.reissueAccess?.(auth.sessionId)) ?? null;
  }

  /** The current password, counted like a sign-in attempt (the account's counters reset only when the whole action succeeds). */
  private async checkPassword(auth: AuthContext, password: string, client: ClientInfo, loaded?: User): Promise<User> {
    await this.limiter.takeAddress(client.ip);
    await this.limiter.takeAccount(auth.user.email);
    const user = loaded ?? (await this.users.getById(auth.user.id));
    if (!(await this.users.passwordMatches(user, password))) {
      this.audit.warn({ event: 'auth.password_confirmation_failed', userId: user.id, ip: client.ip });
      throw new DomainError('CURRENT_PASSWORD_INVALID', 'The current password is not correct');
    }
    return user;
  }

  /**
   * Checks and spends a code (a TOTP step is accepted once, a recovery code once), counted against
   * the user's second-factor limits; a right code starts them over.
   */
  private async proveFactor(user: User, proof: SecondFactorProof, now: Date): Promise<Method | null> {
    await this.limiter.takeSecondFactor(user.id);
    const factor = await this.checkFactor(user, proof, now);
    if (!factor || !(await factor.spend())) return null;
    await this.limiter.secondFactorSucceeded(user.id);
    return factor.method;
  }

  /** Whether the proof is right, without spending it yet: `spend()` records the step or uses the code (false when a racer did first). */
  private async checkFactor(user: User, proof: SecondFactorProof, now: Date): Promise<{ method: Method; spend: () => Promise<boolean> } | null> {
    if (given(proof.code)) {
      const totp = await this.store.findTotp(user.id);
      if (!totp?.confirmedAt) return null;
      const step = await matchTotp(this.open(totp.secret, user.id), proof.code.trim(), now.getTime(), totp.lastUsedStep);
      return step === null ? null : { method: 'otp', spend: () => this.store.useStep(user.id, step) };
    }
    if (given(proof.recoveryCode)) {
      const normalized = normalizeRecoveryCode(proof.recoveryCode);
      const hash = normalized && hashRecoveryCode(normalized);
      if (!hash || !(await this.store.hasUnusedRecoveryCode(user.id, hash))) return null;
      return { method: 'recovery', spend: () => this.store.useRecoveryCode(user.id, hash, now) };
    }
    return null;
  }

  private seal(secret: string, userId: string): string {
    try {
      return this.box.seal(secret, userId);
    } catch (error) {
      throw this.unavailable(error);
    }
  }

  /** A secret that does not open (its key was removed, the row was altered) fails closed, loudly. */
  private open(sealed: string, userId: string): string {
    try {
      return this.box.open(sealed, userId);
    } catch (error) {
      throw this.unavailable(error, userId);
    }
  }

  private unavailable(error: unknown, userId?: string): DomainError {
    this.audit.error({ event: 'auth.mfa_secret_unreadable', userId, error: (error as Error).message });
    return new DomainError('MFA_UNAVAILABLE', 'The second factor cannot be checked right now');
  }

  private now(): Date {
    return new Date(this.clock.now());
  }
}

/** A non-empty string: an empty code next to a recovery code is left out, not tried. */
function given(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function expiredSignIn(): DomainError {
  return new DomainError('INVALID_MFA_TOKEN', 'The sign-in expired or was already completed; sign in again');
}

function wrongCode(status: 400 | 401): DomainError {
  const message = 'The code is not correct, or was used already';
  return status === 400 ? DomainError.field('INVALID_MFA_CODE', 'code', message) : new DomainError('INVALID_MFA_CODE', message, undefined, undefined, 401);
}
