/**
 * A rough lower bound on a secret's entropy: its length times the Shannon entropy of its own
 * symbol frequencies. Random secrets score far above 128 bits; `aaaa…`, `0000…` or a word
 * repeated score near zero. It cannot prove randomness, only refuse the obviously weak.
 */
export function estimatedEntropyBits(secret: Buffer | string): number {
  const symbols = typeof secret === 'string' ? [...secret] : [...secret];
  if (symbols.length === 0) return 0;
  const counts = new Map<unknown, number>();
  for (const symbol of symbols) counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
  let perSymbol = 0;
  for (const count of counts.values()) {
    const p = count / symbols.length;
    perSymbol -= p * Math.log2(p);
  }
  return perSymbol * symbols.length;
}

/** What a configured secret must at least carry. */
export const MIN_SECRET_BITS = 128;
