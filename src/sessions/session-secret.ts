import { createHash, randomBytes } from 'node:crypto';

/** A new 256-bit secret from the CSPRNG, base64url (43 characters). */
export function generateSessionSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored and looked up: the secret itself never reaches the database. */
export function hashSessionSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Rejects anything that cannot be one of our secrets before it costs a query. */
export function isWellFormedSecret(secret: string): boolean {
  return secret.length === 43 && /^[A-Za-z0-9_-]+$/.test(secret);
}
