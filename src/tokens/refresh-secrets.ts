import { createHmac } from 'node:crypto';

/**
 * Each refresh token's successor is HMAC(secret, token). Concurrent refreshes of one token
 * (several tabs, retries) therefore all arrive at the same successor without storing it, and
 * no one without the server secret can compute a successor from a stolen, already-used token.
 */
export class RefreshSecrets {
  constructor(private readonly secret: string) {}

  successorOf(token: string): string {
    return createHmac('sha256', this.secret).update(token).digest('base64url');
  }
}
