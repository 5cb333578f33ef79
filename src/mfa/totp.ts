import { generateSecret, generateURI, verify } from 'otplib';

/** RFC 6238 as authenticator apps expect it: SHA-1, 6 digits, 30-second steps. */
export const TOTP_PERIOD_SECONDS = 30;
const CODE = /^\d{6}$/;

/** A new 160-bit secret, base32 (RFC 4226 recommends 160 bits). */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

export function totpUri(issuer: string, account: string, secret: string): string {
  return generateURI({ issuer, label: account, secret, algorithm: 'sha1', digits: 6, period: TOTP_PERIOD_SECONDS });
}

/**
 * The time step a code belongs to, or null. One step either side is allowed for clock drift, and
 * only steps after `afterStep` count: the caller records the step, so a code is accepted once.
 */
export async function matchTotp(secret: string, code: string, nowMs: number, afterStep: number | null): Promise<number | null> {
  if (!CODE.test(code)) return null;
  const epoch = Math.floor(nowMs / 1000);
  // A code from the next step was accepted (drift), or this clock lags another instance's: nothing
  // in the window is newer than the step already used (otplib would throw rather than say no).
  if (afterStep !== null && afterStep >= Math.floor(epoch / TOTP_PERIOD_SECONDS) + 1) return null;
  try {
    const result = await verify({
      secret,
      token: code,
      epoch,
      epochTolerance: TOTP_PERIOD_SECONDS,
      ...(afterStep !== null ? { afterTimeStep: afterStep } : {}),
    });
    // The functional API's result type is shared with HOTP; a TOTP match carries its step.
    return result.valid ? (result as { timeStep: number }).timeStep : null;
  } catch {
    return null;
  }
}
