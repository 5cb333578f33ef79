import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const VERSION = 'v1';

/** A key's short id, stored with each ciphertext so a rotated key still opens what it sealed. */
function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 8);
}

/**
 * AES-256-GCM for secrets that must be read back (TOTP seeds cannot be hashed). Each value is
 * sealed with a fresh 96-bit IV and bound to its owner (the user id as associated data), so a
 * ciphertext copied to another row does not open. The first key seals; every key opens (rotation).
 * With no key configured, a development key is generated once into `devKeyFile`, on first use.
 */
export class SecretBox {
  private loaded?: Map<string, Buffer>;
  private sealingId?: string;

  constructor(
    private readonly keys: Buffer[],
    private readonly devKeyFile: string | null,
  ) {
    for (const key of keys) if (key.length !== 32) throw new Error('SecretBox: every key must be 32 bytes');
  }

  /** False when no key is configured and no development key may be made: the second factor is unavailable. */
  get available(): boolean {
    return this.keys.length > 0 || this.devKeyFile !== null;
  }

  seal(plaintext: string, owner: string): string {
    const keys = this.ring();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', keys.get(this.sealingId!)!, iv).setAAD(Buffer.from(owner));
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.sealingId, iv.toString('base64url'), sealed.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  /** The plaintext, or an error when the value was altered, moved to another owner, or sealed by an unknown key. */
  open(value: string, owner: string): string {
    const [version, kid, iv, sealed, tag] = value.split('.');
    const key = kid === undefined ? undefined : this.ring().get(kid);
    if (version !== VERSION || !key || !iv || sealed === undefined || !tag) throw new Error('SecretBox: cannot open this value (unknown key or format)');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url')).setAAD(Buffer.from(owner));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64url')), decipher.final()]).toString('utf8');
  }

  private ring(): Map<string, Buffer> {
    if (!this.loaded) {
      const keys = this.keys.length > 0 ? this.keys : [loadOrCreateDevKey(this.devKeyFile)];
      this.loaded = new Map(keys.map((key) => [keyId(key), key]));
      this.sealingId = keyId(keys[0]!);
    }
    return this.loaded;
  }
}

function loadOrCreateDevKey(file: string | null): Buffer {
  if (file === null) throw new Error('SecretBox: no encryption key is configured (AUTH_MFA_ENCRYPTION_KEY)');
  if (existsSync(file)) return Buffer.from((JSON.parse(readFileSync(file, 'utf8')) as { key: string }).key, 'base64');
  const key = randomBytes(32);
  mkdirSync(dirname(file), { recursive: true });
  try {
    // Exclusive: two processes starting at once must not each keep a key of their own.
    writeFileSync(file, JSON.stringify({ key: key.toString('base64') }), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateDevKey(file);
    throw error;
  }
  return key;
}
