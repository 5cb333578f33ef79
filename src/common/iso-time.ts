/**
 * `Date#toISOString()` formats through the C library (about a microsecond in a busy server), and
 * `/auth/me` formats the same session's `authTime` on every request: remember recent ones.
 */
const recent = new Map<number, string>();

export function isoTime(date: Date): string {
  const time = date.getTime();
  let text = recent.get(time);
  if (text === undefined) {
    if (recent.size >= 10_000) recent.clear();
    text = date.toISOString();
    recent.set(time, text);
  }
  return text;
}
