import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { User } from '../users/index.js';

/**
 * Devices that signed in to an account before, remembered by a long-lived HttpOnly cookie, so
 * the account's failure counters can spare them (see SignInLimiter). Stateless: the token is a
 * random id and a MAC keyed by the user's password hash, which never leaves the server; a new
 * password forgets every device, and nobody without the hash can mint one.
 */
export class KnownDevices {
  issue(user: User): string {
    const id = randomBytes(16).toString('base64url');
    return `${id}.${this.mac(user, id)}`;
  }

  /** The device id when the token was issued for this user (and this password), else undefined. */
  verify(user: User, token: string | undefined): string | undefined {
    if (!token || token.length > 128) return undefined;
    const [id, mac, extra] = token.split('.');
    if (!id || !mac || extra !== undefined) return undefined;
    const expected = Buffer.from(this.mac(user, id));
    const presented = Buffer.from(mac);
    return presented.length === expected.length && timingSafeEqual(presented, expected) ? id : undefined;
  }

  private mac(user: User, id: string): string {
    return createHmac('sha256', user.passwordHash).update(`${user.id}|${id}`).digest('base64url');
  }
}
