import { createHash, randomBytes } from 'node:crypto';

/** Crockford's base32, lower case: no i, l, o or u to misread. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
export const RECOVERY_CODE_COUNT = 10;

/** Ten codes of 80 random bits each, `xxxx-xxxx-xxxx-xxxx`: strong enough that a plain SHA-256 at rest suffices. */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const bytes = randomBytes(10);
    let bits = 0n;
    for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
    let text = '';
    for (let i = 0; i < 16; i++) text = ALPHABET[Number((bits >> BigInt(5 * i)) & 31n)] + text;
    return text.match(/.{4}/g)!.join('-');
  });
}

/** What a person may type: any case, spaces or dashes, and the letters Crockford reads as digits. */
export function normalizeRecoveryCode(input: string): string | null {
  const text = input.toLowerCase().replace(/[\s-]/g, '').replace(/o/g, '0').replace(/[il]/g, '1');
  return text.length === 16 && [...text].every((c) => ALPHABET.includes(c)) ? text : null;
}

export function hashRecoveryCode(normalized: string): string {
  return createHash('sha256').update(normalized).digest('hex');
}

/** The stored form of freshly made codes. */
export function hashRecoveryCodes(codes: string[]): string[] {
  return codes.map((code) => hashRecoveryCode(normalizeRecoveryCode(code)!));
}
