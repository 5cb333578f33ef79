import { Injectable } from '@nestjs/common';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';

/** zxcvbn's score 2: guessable only beyond a million tries, out of reach of a throttled online attack. */
const MIN_SCORE = 2;
/** Matching is superlinear in length; the first 256 characters decide (a longer prefix cannot make it weaker). */
const CHECKED_LENGTH = 256;

/**
 * ASVS V6.2.4 / NIST SP 800-63B: a new password must not be a common or expected one. zxcvbn-ts
 * with its common-password and common-names dictionaries (shipped in the package, no network),
 * keyboard patterns, repeats and sequences, plus the account's own words (its email's local part
 * and name). No composition rules.
 */
@Injectable()
export class PasswordPolicy {
  private readonly zxcvbn = new ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs });

  /** Why the password is refused, or null. */
  problem(password: string, context: { email?: string; name?: string | null }): string | null {
    const words = [context.email?.split('@')[0], ...(context.name?.split(/\s+/) ?? [])].filter((w): w is string => !!w && w.length >= 3);
    const result = this.zxcvbn.check(password.slice(0, CHECKED_LENGTH), words);
    if (result.score >= MIN_SCORE) return null;
    const why = result.feedback.warning ? ` (${result.feedback.warning})` : '';
    return `is too common or too easy to guess${why}; a few unrelated words make a strong one`;
  }
}
