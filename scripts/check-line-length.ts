// Fails when a line of a TypeScript file is longer than 120 characters. Biome's formatter wraps
// code at 120 columns but leaves long strings and comments alone; this catches those.
// Usage: tsx scripts/check-line-length.ts [--max N]   (part of `npm run lint`)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const flag = process.argv.indexOf('--max');
const max = flag >= 0 ? Number(process.argv[flag + 1]) : 120;
if (!Number.isInteger(max) || max <= 0) throw new Error(`check-line-length: --max must be a positive integer`);

// tracked files and new ones not ignored by .gitignore (so dist/ and node_modules/ are skipped)
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', '*.mts'], {
  encoding: 'utf8',
})
  .split('\n')
  .filter(Boolean);

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
