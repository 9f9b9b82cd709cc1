// The main entry must run in a browser: bundled for the browser, no source file it reaches may
// import a Node built-in or use Node's globals (Buffer, process), which a bundler does not catch.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

it('src/index.ts reaches no Node built-in and no Buffer or process global', async () => {
  const result = await build({
    entryPoints: [join(root, 'src/index.ts')],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    metafile: true,
    logLevel: 'silent',
    // the Dawn bindings are loaded through a variable specifier and never bundled
    external: ['webgpu'],
  });
  const offenders: string[] = [];
  for (const [input, info] of Object.entries(result.metafile.inputs)) {
    for (const imp of info.imports) if (imp.path.startsWith('node:')) offenders.push(`${input} imports ${imp.path}`);
    if (!input.startsWith('src/')) continue;
    const code = readFileSync(join(root, input), 'utf8')
      .replace(/\/\/.*$/gm, '')
      .replace(/\/\*[\s\S]*?\*\//g, '');
    for (const global of ['Buffer', 'process']) {
      if (new RegExp(`(?<![\\w.])${global}\\s*[.(]`).test(code)) offenders.push(`${input} uses ${global}`);
    }
  }
  expect(offenders).toEqual([]);
  expect(Object.keys(result.metafile.inputs)).toContain('src/vae/checkpoint-format.ts');
});
