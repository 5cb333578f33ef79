import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import { hasSecondFactor, type AuthContext } from './auth-context.js';
import type { AuthModuleOptions } from './auth-options.js';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition.js';

/**
 * The configured second-factor rules the guard applies: the roles that oblige a user to enrol,
 * and the admin API's step-up. Exported with the guard, so a host applying `AccessGuard` per
 * controller gets them too.
 */
@Injectable()
export class AssurancePolicy {
  readonly mfaRequiredRoles: ReadonlySet<string>;
  readonly admin: { requireMfa: boolean; freshAuthMs: number };

  constructor(@Inject(AUTH_MODULE_OPTIONS) options: AuthModuleOptions) {
    this.mfaRequiredRoles = new Set(options.mfa?.requiredRoles ?? []);
    this.admin = options.admin ?? { requireMfa: false, freshAuthMs: 0 };
  }

  /** Whether these roles oblige the user to have a second factor. */
  requiresMfa(roles: readonly string[]): boolean {
    return this.mfaRequiredRoles.size > 0 && roles.some((role) => this.mfaRequiredRoles.has(role));
  }

  /** A session whose user's role requires a second factor, signed in without one: only enrolment is open. */
  assertEnrolled(auth: AuthContext): void {
    if (!hasSecondFactor(auth) && this.requiresMfa(auth.user.roles)) {
      throw new DomainError('MFA_ENROLLMENT_REQUIRED', 'Your role requires a second factor: enrol one (POST /mfa/totp) first');
    }
  }
}
