// Flag parsing on node:util's parseArgs (strict: an unknown flag is an error), with typed
// readers that name the flag and the bad value.
import { parseArgs } from 'node:util';

export class UsageError extends Error {}

export type FlagSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

export function parseFlags(
  command: string,
  argv: string[],
  spec: FlagSpec,
): Record<string, string | boolean | undefined> {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: spec, strict: true, allowPositionals: true });
    if (positionals.length) throw new UsageError(`vae ${command}: unexpected argument '${positionals[0]}'`);
    return values as Record<string, string | boolean | undefined>;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const msg = (e as Error).message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/, '');
    throw new UsageError(`vae ${command}: ${msg} (see 'vae ${command} --help')`);
  }
}

export class Flags {
  constructor(
    private readonly command: string,
    private readonly values: Record<string, string | boolean | undefined>,
  ) {}

  private bad(name: string, why: string): never {
    throw new UsageError(`vae ${this.command}: --${name} ${why}`);
  }

  has(name: string): boolean {
    return this.values[name] !== undefined;
  }

  bool(name: string): boolean {
    return this.values[name] === true;
  }

  string(name: string, fallback?: string): string {
    const v = this.values[name];
    if (typeof v === 'string') return v;
    if (fallback === undefined) this.bad(name, 'is required');
    return fallback;
  }

  int(name: string, fallback: number, { min = -Infinity, max = Infinity } = {}): number {
    const raw = this.values[name];
    if (raw === undefined) return fallback;
    const v = Number(raw);
    if (!Number.isInteger(v)) this.bad(name, `must be an integer, got '${String(raw)}'`);
    if (v < min || v > max)
      this.bad(name, `must be ${max === Infinity ? `>= ${min}` : `between ${min} and ${max}`}, got ${v}`);
    return v;
  }

  number(name: string, fallback: number, { min = -Infinity, exclusiveMin = false } = {}): number {
    const raw = this.values[name];
    if (raw === undefined) return fallback;
    const v = Number(raw);
    if (raw === '' || !Number.isFinite(v)) this.bad(name, `must be a number, got '${String(raw)}'`);
    if (exclusiveMin ? v <= min : v < min) this.bad(name, `must be ${exclusiveMin ? '>' : '>='} ${min}, got ${v}`);
    return v;
  }

  choice<T extends string>(name: string, options: readonly T[], fallback: T): T {
    const raw = this.values[name];
    if (raw === undefined) return fallback;
    if (!options.includes(raw as T)) this.bad(name, `must be one of ${options.join(', ')}, got '${String(raw)}'`);
    return raw as T;
  }

  intList(name: string, fallback: number[]): number[] {
    const raw = this.values[name];
    if (raw === undefined) return fallback;
    const parts = String(raw)
      .split(',')
      .map((s) => s.trim());
    const nums = parts.map(Number);
    if (!parts.length || nums.some((n, i) => parts[i] === '' || !Number.isInteger(n) || n <= 0)) {
      this.bad(name, `must be comma-separated positive integers, got '${String(raw)}'`);
    }
    return nums;
  }
}
