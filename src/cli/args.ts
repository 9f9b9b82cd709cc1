// Flag parsing on node:util's parseArgs (strict: an unknown flag is an error), with typed
// readers that name the flag and the bad value. Numbers are decimal (`1e-3` yes, `0x10` and
// `Infinity` no), and a negative number after a flag is that flag's value (`--epochs -1` is
// "must be >= 1", not parseArgs' "ambiguous").
import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';

export class UsageError extends Error {}

export type FlagSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

export function parseFlags(
  command: string,
  argv: string[],
  spec: FlagSpec,
): Record<string, string | boolean | undefined> {
  // `--flag -1` -> `--flag=-1`, for flags that take a value
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [a = '', next] = argv.slice(i, i + 2);
    const name = a.startsWith('--') && !a.includes('=') ? a.slice(2) : undefined;
    if (name && spec[name]?.type === 'string' && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      args.push(`${a}=${next}`);
      i++;
    } else args.push(a);
  }
  try {
    const { values, positionals } = parseArgs({ args, options: spec, strict: true, allowPositionals: true });
    if (positionals.length) throw new UsageError(`vae ${command}: unexpected argument '${positionals[0]}'`);
    return values as Record<string, string | boolean | undefined>;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const [firstLine = ''] = (e as Error).message.split('\n');
    const msg = firstLine.replace(/\. To specify a positional argument.*$/, '');
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
    const v = decimal(raw);
    if (!Number.isSafeInteger(v)) this.bad(name, `must be an integer, got '${String(raw)}'`);
    if (v < min || v > max)
      this.bad(name, `must be ${max === Infinity ? `>= ${min}` : `between ${min} and ${max}`}, got ${v}`);
    return v;
  }

  number(name: string, fallback: number, { min = -Infinity, exclusiveMin = false } = {}): number {
    const raw = this.values[name];
    if (raw === undefined) return fallback;
    const v = decimal(raw);
    if (!Number.isFinite(v)) this.bad(name, `must be a number, got '${String(raw)}'`);
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
    const nums = parts.map(decimal);
    if (!parts.length || nums.some((n) => !Number.isSafeInteger(n) || n <= 0)) {
      this.bad(name, `must be comma-separated positive integers, got '${String(raw)}'`);
    }
    return nums;
  }
}

/** A decimal number (`12`, `-0.5`, `1e-3`), or NaN for anything else (`0x10`, `Infinity`, `''`, ` 5`). */
export function decimal(raw: string | boolean): number {
  return typeof raw === 'string' && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(raw) ? Number(raw) : Number.NaN;
}

const errno = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/**
 * A folder the command will write into (`vae train --out`): an existing folder we may write in,
 * or a path whose nearest existing ancestor is a folder we may write in. Checked before any work.
 */
export async function checkOutFolder(path: string, flag: string): Promise<void> {
  const st = await stat(path).catch(() => null);
  if (st && !st.isDirectory()) throw new UsageError(`${flag} ${path} is a file, not a folder`);
  if (st) {
    await access(path, constants.W_OK | constants.X_OK).catch((e) => {
      throw new UsageError(`${flag} ${path}: cannot write in this folder (${errno(e)})`);
    });
    return;
  }
  await checkCreatable(path, flag);
}

/**
 * A file the command will write (`vae sample --out`): its folder must exist and be writable; it must not be a folder.
 */
export async function checkOutFile(path: string, flag: string): Promise<void> {
  const st = await stat(path).catch(() => null);
  if (st?.isDirectory()) throw new UsageError(`${flag} ${path} is a folder; give a file name`);
  const dir = dirname(resolve(path));
  const d = await stat(dir).catch(() => null);
  if (!d) throw new UsageError(`${flag} ${path}: the folder ${dirname(path)} does not exist`);
  if (!d.isDirectory()) throw new UsageError(`${flag} ${path}: ${dirname(path)} is a file, not a folder`);
  await access(dir, constants.W_OK | constants.X_OK).catch((e) => {
    throw new UsageError(`${flag} ${path}: cannot write in ${dirname(path)} (${errno(e)})`);
  });
}

/** The nearest existing ancestor of path must be a writable folder (mkdir -p will make the rest). */
async function checkCreatable(path: string, flag: string): Promise<void> {
  let dir = dirname(resolve(path));
  for (;;) {
    const st = await stat(dir).catch(() => null);
    if (st) {
      if (!st.isDirectory()) throw new UsageError(`${flag} ${path}: cannot create it, ${dir} is a file`);
      await access(dir, constants.W_OK | constants.X_OK).catch((e) => {
        throw new UsageError(`${flag} ${path}: cannot create it in ${dir} (${errno(e)})`);
      });
      return;
    }
    const up = dirname(dir);
    if (up === dir) return;
    dir = up;
  }
}

/** A folder the command reads (`--data`, `--checkpoint`): it must exist and be a folder. */
export async function checkInFolder(path: string, flag: string): Promise<void> {
  const st = await stat(path).catch((e) => {
    throw new UsageError(`${flag} ${path}: no such folder (${errno(e)})`);
  });
  if (!st.isDirectory()) throw new UsageError(`${flag} ${path} is a file, not a folder`);
}

/**
 * mkdir -p, one level at a time from the nearest existing ancestor (Node's recursive mkdir can
 * spin on filesystems such as /proc that answer ENOENT for a parent that exists).
 */
export async function makeFolder(path: string, flag: string): Promise<void> {
  const missing: string[] = [];
  let dir = resolve(path);
  while (!(await stat(dir).catch(() => null))) {
    missing.unshift(dir);
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  for (const d of missing) {
    await mkdir(d).catch((e: unknown) => {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new UsageError(`${flag} ${path}: cannot create it (${errno(e)})`);
    });
  }
}
