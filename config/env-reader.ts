import { parseDuration } from './duration.js';

export type Env = Record<string, string | undefined>;

/**
 * Reads typed values from an environment map and collects every problem, so that a
 * bad configuration is reported in full (one line per variable) rather than one at a time.
 */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  has(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optionalString(name: string): string | undefined {
    return this.raw(name);
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const text = this.raw(name);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max) {
      this.problems.push(`${name}: must be an integer from ${min} to ${max}, got "${text}"`);
      return fallback;
    }
    return value;
  }

  bool(name: string, fallback: boolean): boolean {
    const text = this.raw(name);
    if (text === undefined) return fallback;
    if (text === 'true') return true;
    if (text === 'false') return false;
    this.problems.push(`${name}: must be "true" or "false", got "${text}"`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const text = this.raw(name);
    if (text === undefined) return fallback;
    if ((allowed as readonly string[]).includes(text)) return text as T;
    this.problems.push(`${name}: must be one of ${allowed.join(', ')}, got "${text}"`);
    return fallback;
  }

  /** A duration such as `30s`, `15m`, `12h`, `30d`, returned in milliseconds. */
  duration(name: string, fallback: string, minMs = 1): number {
    const text = this.raw(name) ?? fallback;
    const value = parseDuration(text);
    if (value === undefined || value < minMs) {
      this.problems.push(`${name}: must be a duration like 30s, 15m, 12h or 30d (at least ${minMs} ms), got "${text}"`);
      return parseDuration(fallback) ?? minMs;
    }
    return value;
  }

  list(name: string, fallback: string[]): string[] {
    const text = this.raw(name);
    if (text === undefined) return fallback;
    return text.split(',').map((item) => item.trim()).filter(Boolean);
  }

  problem(name: string, message: string): void {
    this.problems.push(`${name}: ${message}`);
  }
}
