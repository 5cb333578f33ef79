import { createHmac } from 'node:crypto';

/**
 * Each refresh token's successor is HMAC(secret, token · nonce), where the nonce is random, drawn
 * when the token was issued and kept only in the database. Concurrent refreshes of one token
 * (several tabs, retries) read the same nonce and so arrive at the same successor without storing
 * it; whoever holds the secret and an old token still cannot compute later generations.
 */
export class RefreshSecrets {
  constructor(private readonly secret: string) {}

  successorOf(token: string, nonce: string | null): string {
    // Rows from before nonces existed derive as they always did.
    return createHmac('sha256', this.secret).update(nonce ? `${token}.${nonce}` : token).digest('base64url');
  }
}
