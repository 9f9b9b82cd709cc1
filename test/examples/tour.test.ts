// The README's "library in a few lines" is examples/tour.ts as it is (one block marked
// `<!-- code: examples/tour.ts -->` is the file without its header comment), and the file runs
// as a user runs it, in its own Node process: its gradchecks pass (a failing one throws).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { codeBlocks } from '../helpers/doc-blocks.js';

const root = resolve(import.meta.dirname, '../..');
const tour = readFileSync(join(root, 'examples/tour.ts'), 'utf8');

it("the README's tour is examples/tour.ts, word for word", () => {
  const quoted = codeBlocks(readFileSync(join(root, 'README.md'), 'utf8')).filter(
    (b) => b.source?.target === 'examples/tour.ts',
  );
  expect(quoted.length).toBeGreaterThan(0); // the tour, and pieces of it quoted elsewhere
  const body = tour
    .split('\n')
    .filter((l, i) => i > 0 || !l.startsWith('//')) // the file's header comment
    .join('\n')
    .trimEnd();
  expect(quoted.map((b) => b.body)).toContain(body);
});

it('examples/tour.ts runs: loss, gradient, two gradchecks, memoryStats', () => {
  const run = spawnSync(join(root, 'node_modules/.bin/tsx'), ['examples/tour.ts'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toMatch(/^\d+\.\d+ \[/); // the loss, then w's gradient
  expect(run.stdout).toMatch(/tensors: \d+/); // memoryStats()
}, 60_000);
