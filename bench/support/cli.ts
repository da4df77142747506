/**
 * What the benches share: `--flag value` parsing, progress on stderr, a seeded random source and
 * the percentile / rounding used in their JSON lines.
 */

export type Backend = 'sqlite' | 'postgres';

/** Progress and diagnostics go to stderr; stdout carries only the bench's one JSON line. */
export const log = (message: string): void => {
  process.stderr.write(`${message}\n`);
};

/** `--flag value` pairs (every flag takes a value), read by name with checked fallbacks. */
export class FlagPairs {
  private readonly values = new Map<string, string>();

  constructor(argv: readonly string[]) {
    for (let i = 0; i < argv.length; i += 2) {
      const [flag, value] = [argv[i], argv[i + 1]];
      if (!flag.startsWith('--') || value === undefined) throw new Error(`expected --flag value pairs, got ${argv.join(' ')}`);
      this.values.set(flag.slice(2), value);
    }
  }

  /** Throws on a flag not in `known`. */
  only(known: readonly string[]): this {
    const allowed = new Set(known);
    for (const name of this.values.keys()) if (!allowed.has(name)) throw new Error(`unknown flag --${name}`);
    return this;
  }

  backend(name: string, fallback: Backend): Backend {
    const value = this.values.get(name) ?? fallback;
    if (value !== 'sqlite' && value !== 'postgres') throw new Error(`--${name} must be sqlite or postgres, got ${value}`);
    return value;
  }

  /** A positive integer, or `undefined` when the flag is absent. */
  int(name: string): number | undefined {
    const raw = this.values.get(name);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${raw}`);
    return n;
  }
}

export { seededRandom } from '@causeway/testing';

/** Nearest-rank percentile of an ascending list; 0 for an empty one. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const round = (n: number, digits = 2): number => Number(n.toFixed(digits));
