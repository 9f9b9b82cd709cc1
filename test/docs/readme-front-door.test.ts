// The README as the front door of the package: the two commands and the lab at the top, images
// that load on the package's page (absolute URLs into the repository of package.json), and the
// commands it names exist (npm scripts, files run with tsx or python3).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  repository?: { type: string; url: string };
  scripts: Record<string, string>;
};
const REPO = 'https://github.com/vae-webgpu/vae-webgpu';
const RAW = 'https://raw.githubusercontent.com/vae-webgpu/vae-webgpu/main/';

it('package.json names the repository the README links into', () => {
  expect(pkg.repository).toEqual({ type: 'git', url: `git+${REPO}.git` });
});

it('shows npm start, npm test and the lab (command and picture) before the first long section', () => {
  const top = readme.slice(0, readme.indexOf('### Learners'));
  for (const words of ['npm start', 'npm test', 'npm run lab', `${RAW}docs/images/lab.png`]) {
    expect(top, words).toContain(words);
  }
});

it('loads every image from the repository, by a path that exists here', () => {
  const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
  expect(images.length).toBeGreaterThan(5);
  for (const url of images) {
    expect(url.startsWith(RAW), url).toBe(true);
    expect(existsSync(join(root, url.slice(RAW.length))), url).toBe(true);
  }
});

it('names only npm scripts that package.json has and files that exist', () => {
  const scripts = [...readme.matchAll(/\bnpm run ([\w:-]+)/g)].map((m) => m[1]!);
  expect(scripts.filter((s) => !(s in pkg.scripts))).toEqual([]);
  const files = [...readme.matchAll(/\b(?:npx tsx|python3) ((?:examples|scripts|bench|web|test)\/[\w./-]+)/g)].map(
    (m) => m[1]!,
  );
  expect(files.length).toBeGreaterThan(3);
  expect(files.filter((f) => !existsSync(join(root, f)))).toEqual([]);
});
