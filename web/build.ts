// Bundles the browser smoke page (web/smoke.ts -> web/dist/smoke.js) with esbuild, for the
// browser: ESM, no Node built-ins, and no Dawn (`webgpu` package) — in the browser the library
// takes `navigator.gpu`. Run `npx tsx web/build.ts`, then serve web/ and open index.html.
// test/browser/browser.test.ts calls buildWeb() in-process.
import { build, type BuildResult, type Metafile } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const webDir = dirname(fileURLToPath(import.meta.url));
export const distDir = join(webDir, 'dist');

/**
 * What must never reach a browser bundle: Node built-ins, and Dawn's Node bindings (the
 * `webgpu` package, imported by src/kernels/webgpu/gpu-api.ts through a variable specifier so
 * bundlers leave it out). Returns one line per offending input or import; empty when clean.
 */
export function forbiddenInBundle(meta: Metafile): string[] {
  const bad: string[] = [];
  const isDawn = (p: string) => /(^|\/)node_modules\/webgpu\//.test(p) || p === 'webgpu';
  const isNode = (p: string) =>
    p.startsWith('node:') ||
    /^(fs|path|os|url|zlib|crypto|child_process|worker_threads|module|process|stream|util|events|buffer)(\/|$)/.test(p);
  for (const [input, info] of Object.entries(meta.inputs)) {
    if (isDawn(input) || isNode(input)) bad.push(`input ${input}`);
    for (const imp of info.imports) {
      if (isDawn(imp.path) || isNode(imp.path))
        bad.push(`${input} imports '${imp.path}'${imp.external ? ' (external)' : ''}`);
    }
  }
  for (const [output, info] of Object.entries(meta.outputs)) {
    for (const imp of info.imports) {
      if (isDawn(imp.path) || isNode(imp.path)) bad.push(`${output} imports '${imp.path}'`);
    }
  }
  return bad;
}

export interface WebBuild {
  result: BuildResult & { metafile: Metafile };
  /** The bundle's path and size in bytes. */
  bundle: { path: string; bytes: number };
}

/** Bundles web/smoke.ts into web/dist/ and fails if anything forbidden got in. */
export async function buildWeb(opts: { minify?: boolean } = {}): Promise<WebBuild> {
  const result = await build({
    entryPoints: [join(webDir, 'smoke.ts')],
    outdir: distDir,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    sourcemap: true,
    minify: opts.minify ?? false,
    metafile: true,
    logLevel: 'silent',
  });
  for (const w of result.warnings)
    console.warn(`esbuild warning: ${w.text}${w.location ? ` (${w.location.file}:${w.location.line})` : ''}`);
  const bad = forbiddenInBundle(result.metafile);
  if (bad.length) throw new Error(`the browser bundle pulls in Node-only code:\n  ${bad.join('\n  ')}`);
  const path = join(distDir, 'smoke.js');
  const key = Object.keys(result.metafile.outputs).find((k) => k.endsWith('smoke.js'))!;
  return { result, bundle: { path, bytes: result.metafile.outputs[key]!.bytes } };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const minify = process.argv.includes('--minify');
  const { bundle } = await buildWeb({ minify });
  console.log(`wrote ${bundle.path} (${(bundle.bytes / 1024).toFixed(1)} KiB${minify ? ', minified' : ''})`);
}
