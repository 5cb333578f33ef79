/**
 * The one normalization applied to every address before it is stored, looked up or counted:
 * NFKC (fullwidth and other compatibility forms fold to their plain letters), trimmed, lower-cased.
 * Identity is this exact string: the column compares it byte for byte on every database.
 */
export function normalizeEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

/** Invisible and format characters (zero-width space and joiners, bidi controls, soft hyphen), controls, unassigned. */
const INVISIBLE = /[\p{Cf}\p{Cc}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;
const SCRIPTS = ['Latin', 'Cyrillic', 'Greek', 'Armenian', 'Hebrew', 'Arabic', 'Han', 'Hiragana', 'Katakana', 'Hangul', 'Thai', 'Devanagari'];
const SCRIPT_TESTS = SCRIPTS.map((script) => new RegExp(`\\p{Script=${script}}`, 'u'));

/**
 * Why an address cannot be an identity, or null. Refused: invisible or format characters, and a
 * local part or domain label that mixes scripts (a Cyrillic "і" among Latin letters), the classic
 * look-alike. An address in one script (Latin, Cyrillic, …) is fine.
 */
export function emailIdentityProblem(email: string): string | null {
  const normalized = normalizeEmail(email);
  if (INVISIBLE.test(normalized)) return 'must not contain invisible or formatting characters';
  for (const part of normalized.split(/[@.]/)) {
    const letters = [...part].filter((char) => /\p{L}/u.test(char));
    const used = SCRIPT_TESTS.filter((test) => letters.some((char) => test.test(char))).length;
    if (used > 1) return 'must not mix letters of different scripts in one part';
  }
  return null;
}
