// Fails when a line of a TypeScript file is longer than 120 characters. Biome's formatter wraps
// code at 120 columns but leaves long strings and comments alone; this catches those.
// Usage: tsx scripts/check-line-length.ts [--max N]   (part of `npm run lint`)
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const flag = process.argv.indexOf('--max');
const max = flag >= 0 ? Number(process.argv[flag + 1]) : 120;
if (!Number.isInteger(max) || max <= 0) throw new Error('check-line-length: --max must be a positive integer');

/** Tracked files and new ones not ignored by .gitignore (so dist/ and node_modules/ are skipped). */
function gitFiles(): string[] | null {
  try {
    const args = ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', '*.mts'];
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')
      .filter(Boolean);
  } catch {
    return null; // not a git checkout
  }
}

/** Without git: the .ts files under the project's source folders. */
function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : walk(path);
    return /\.m?ts$/.test(e.name) ? [path] : [];
  });
}

const files = gitFiles() ?? ['src', 'test', 'bench', 'scripts', 'web', 'examples'].flatMap(walk);

const long: string[] = [];
for (const file of files) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    continue; // deleted in the work tree but still in the index
  }
  text.split('\n').forEach((line, i) => {
    const length = [...line].length; // characters, not UTF-16 units or bytes
    if (length > max) long.push(`${file}:${i + 1}: ${length} characters`);
  });
}
if (long.length) {
  console.error(`${long.length} line(s) longer than ${max} characters (wrap long strings and comments):`);
  for (const l of long) console.error(`  ${l}`);
  process.exit(1);
}
console.log(`check-line-length: ${files.length} .ts files, no line over ${max} characters`);
