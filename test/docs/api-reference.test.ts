// The API reference (`npm run docs`: TypeDoc over src/index.ts and src/node.ts into docs/api/)
// must build without a warning: every public export and every member a user can reach has a
// TSDoc comment, every {@link} resolves, and no public signature names a type the reference
// leaves out. Here TypeDoc runs with --emit none (it checks everything, writes nothing).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const ESC = String.fromCharCode(27);

it('npm run docs builds the API reference: no undocumented export, no broken link, no missing type', () => {
  const run = spawnSync(process.execPath, ['node_modules/typedoc/bin/typedoc', '--emit', 'none'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  const output = `${run.stdout}${run.stderr}`.replaceAll(new RegExp(`${ESC}\\[[0-9;]*m`, 'g'), '');
  const problems = output
    .split('\n')
    .filter((l) => /^\[(warning|error)\]/.test(l) && !/^\[warning\] Found \d+ errors and \d+ warnings/.test(l));
  expect(
    problems,
    'Each line names an export or member: add a TSDoc comment (/** ... */) to it, export the type it ' +
      `names from src/index.ts or src/node.ts, or fix the {@link}:\n${problems.join('\n')}`,
  ).toEqual([]);
  expect(run.status, output).toBe(0);
}, 240_000);
