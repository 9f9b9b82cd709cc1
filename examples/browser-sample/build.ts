// Bundles the page (sample.ts -> dist/sample.js, and ../first-model.ts -> dist/first-model.js for
// first-model.html) with esbuild for the browser, and with
// --serve shows it on http://127.0.0.1:PORT/ with a checkpoint folder copied next to it:
//
//   npx tsx examples/browser-sample/build.ts                          # bundle only
//   npx tsx examples/browser-sample/build.ts --serve --checkpoint out # then open the printed URL
//
// In your own project the same esbuild call bundles 'vae-webgpu' from node_modules (here the
// tsconfig's paths point it at src/). WebGPU needs a secure context: https, or 127.0.0.1/localhost.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BuildOptions, build, context } from 'esbuild';

export const exampleDir = dirname(fileURLToPath(import.meta.url));
export const distDir = join(exampleDir, 'dist');

const options: BuildOptions = {
  // the sample page, and examples/first-model.ts as it is (first-model.html runs it)
  entryPoints: { sample: join(exampleDir, 'sample.ts'), 'first-model': join(exampleDir, '../first-model.ts') },
  outdir: distDir,
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  sourcemap: true,
  logLevel: 'silent',
};

/** Bundles the page; returns the bundle's size in bytes. */
export async function buildSample(): Promise<number> {
  const result = await build({ ...options, metafile: true });
  const out = Object.entries(result.metafile.outputs).find(([path]) => path.endsWith('sample.js'));
  if (!out) throw new Error('esbuild wrote no sample.js');
  return out[1].bytes;
}

/** Copies a checkpoint folder's two files to dist/<name>/, where the served page can fetch them. */
export function stageCheckpoint(folder: string, name = 'checkpoint'): string {
  const into = join(distDir, name);
  mkdirSync(into, { recursive: true });
  for (const file of ['config.json', 'model.safetensors']) copyFileSync(join(folder, file), join(into, file));
  return `dist/${name}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const flag = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const bytes = await buildSample();
  console.log(`wrote ${join(distDir, 'sample.js')} (${(bytes / 1024).toFixed(1)} KiB)`);
  if (process.argv.includes('--serve')) {
    const checkpoint = flag('checkpoint');
    const query = checkpoint ? `?checkpoint=${stageCheckpoint(checkpoint)}` : '';
    const ctx = await context(options);
    const { port } = await ctx.serve({ servedir: exampleDir, host: '127.0.0.1', port: Number(flag('port') ?? 8000) });
    console.log(`open http://127.0.0.1:${port}/${query}   (Ctrl-C to stop)`);
  }
}
