// examples/first-model.ts — the README's first model — runs as a user runs it, in its own Node
// process; its browser run is in browser-sample.test.ts.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

it('the first model of the README learns the circle in Node', () => {
  const run = spawnSync(join(root, 'node_modules/.bin/tsx'), ['examples/first-model.ts'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(run.status, run.stderr).toBe(0);
  const m = /^first model on (webgpu|cpu): ([\d.]+)% of the points right$/m.exec(run.stdout);
  expect(m, run.stdout).not.toBeNull();
  if (process.env.VAE_REQUIRE_WEBGPU === '1') expect(m![1]).toBe('webgpu');
  expect(Number(m![2])).toBeGreaterThanOrEqual(95);
}, 120_000);
