import { hash, randomBytes } from 'node:crypto';

/** A new 256-bit secret from the CSPRNG, base64url (43 characters). */
export function generateSessionSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored and looked up: the secret itself never reaches the database. */
export function hashSessionSecret(secret: string): string {
  // The one-shot form: a third of createHash's cost, on every authenticated request.
  return hash('sha256', secret, 'hex');
}

/** Rejects anything that cannot be one of our secrets before it costs a query. */
export function isWellFormedSecret(secret: string): boolean {
  return secret.length === 43 && /^[A-Za-z0-9_-]+$/.test(secret);
}
