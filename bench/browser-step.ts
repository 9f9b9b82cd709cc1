// The VAE training step in the browser (issue 9's bench row, issue 10 item 6): ms/step of the
// step the lab runs (784-400-20, batch 128 of MNIST, Adam, the loss read back every step) in a
// Chromium page on its WebGPU adapter (SwiftShader here), against TensorFlow.js's webgpu backend
// in the same Chromium, and against our step in Node (`vae train`'s step, bench/child.ts) on the
// same SwiftShader (Dawn pointed at Chromium's SwiftShader Vulkan driver) and on lavapipe.
//
//   npm run bench:browser                  3 rounds × 10 timed steps per implementation
//   flags: --rounds N --runs N --warmup N --only page-ours,page-tfjs,node-ours-swiftshader,node-ours-lavapipe
//
// Method: first a check that ours and TF.js compute the same loss in the page from the same
// parameters, batch and noise; then rounds in which every implementation runs in a fresh page
// (or a fresh Node process), warm-up steps first (shader compiles), the order reversed every
// round (A B … B A). Prints a markdown table; writes bench/results/browser-step.json.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/helpers/chromium.js';
import { forbiddenInBundle } from '../web/build.js';
import { labHandler, listen } from '../web/serve.js';
import type { PageCheck, PageImpl, PageStep } from './browser/page.js';
import { roundOrder, runChild } from './lib/child.js';
import { benchEnv, envLines } from './lib/env.js';
import { cell, flag, fmt, summarize, table, writeResult, type Summary } from './lib/stats.js';
import type { StepTiming } from './lib/vae-step.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const ROUNDS = Number(flag(argv, 'rounds') ?? 3);
const RUNS = Number(flag(argv, 'runs') ?? 10);
const WARMUP = Number(flag(argv, 'warmup') ?? 5);
/** Chromium's own SwiftShader Vulkan driver: Dawn in Node uses it when the loader is pointed at it. */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

type Impl = 'page-ours' | 'page-tfjs' | 'node-ours-swiftshader' | 'node-ours-lavapipe';
const LABEL: Record<Impl, string> = {
  'page-ours': 'ours, in Chromium (the lab’s step)',
  'page-tfjs': 'TF.js webgpu, in Chromium',
  'node-ours-swiftshader': 'ours, Node (vae train’s step), SwiftShader',
  'node-ours-lavapipe': 'ours, Node (vae train’s step), lavapipe',
};

async function buildPage(outDir: string): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    entryPoints: [join(ROOT, 'bench/browser/page.ts')],
    outdir: outDir,
    bundle: true,
    splitting: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    metafile: true,
    logLevel: 'silent',
  });
  const bad = forbiddenInBundle(result.metafile);
  if (bad.length) throw new Error(`the bench page pulls in Node-only code:\n  ${bad.join('\n  ')}`);
  writeFileSync(
    join(outDir, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>bench</title>' +
      '<script type="module" src="./page.js"></script></head><body>bench page</body></html>\n',
  );
}

async function inPage<T>(browser: Browser, url: string, fn: string, args: unknown[]): Promise<T> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  try {
    await page.goto(url);
    await page.waitForFunction(() => window.__bench !== undefined, undefined, { timeout: 120_000 });
    return (await page.evaluate(
      ([name, a]) =>
        (window.__bench as unknown as Record<string, (...x: unknown[]) => Promise<unknown>>)[name as string]!(
          ...(a as unknown[]),
        ),
      [fn, args] as const,
    )) as T;
  } catch (e) {
    throw new Error(`bench page: ${(e as Error).message}\n${errors.join('\n')}`);
  } finally {
    await page.close();
  }
}

async function main(): Promise<void> {
  const env = await benchEnv();
  const only = flag(argv, 'only')?.split(',');
  const impls = (Object.keys(LABEL) as Impl[]).filter(
    (i) => (i !== 'node-ours-swiftshader' || existsSync(SWIFTSHADER_ICD)) && (!only || only.includes(i)),
  );
  if (impls.length === 0) throw new Error(`--only ${only?.join(',')}: none of ${Object.keys(LABEL).join(', ')}`);
  const outDir = join(ROOT, 'web/dist/bench');
  await buildPage(outDir);
  const server = createServer(labHandler(outDir));
  const port = await listen(server, 0);
  const url = `http://127.0.0.1:${port}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    console.log('## Training step in the browser: VAE 784-400-20, batch 128, Adam, loss read every step\n');
    console.log(envLines(env));
    console.log(`browser: ${browser.version()} (headless, ${CHROMIUM_ARGS.join(' ')})`);
    const check = await inPage<PageCheck>(browser, url, 'check', []);
    console.log(
      `page adapter: ${check.description}; check: the same loss from the same parameters, batch and noise — ours ` +
        `${check.ours.toFixed(4)}, TF.js ${check.tfjs.toFixed(4)} (rel. err. ${check.relErr.toExponential(1)})`,
    );
    if (!(check.relErr < 1e-4)) throw new Error('ours and TF.js disagree on the loss in the page: not timing them');
    console.log(
      `method: ${ROUNDS} round(s) × ${RUNS} timed steps after ${WARMUP} warm-up steps per implementation, a fresh ` +
        `page or process each, order reversed every round\n`,
    );

    const samples: Record<string, number[]> = Object.fromEntries(impls.map((i) => [i, []]));
    const descriptions: Record<string, string> = {};
    for (let r = 0; r < ROUNDS; r++) {
      for (const impl of roundOrder(impls, r)) {
        let ms: number[];
        if (impl.startsWith('page-')) {
          const which: PageImpl = impl === 'page-ours' ? 'ours' : 'tfjs';
          const res = await inPage<PageStep>(browser, url, 'step', [which, WARMUP, RUNS]);
          if (!res.losses.every(Number.isFinite)) throw new Error(`${impl}: a non-finite loss`);
          ms = res.ms;
          descriptions[impl] = res.description;
        } else {
          const icd = impl === 'node-ours-swiftshader' ? { VK_ICD_FILENAMES: SWIFTSHADER_ICD } : undefined;
          const { result } = await runChild<{ result: StepTiming & { description: string } }>(
            ['--suite', 'step', '--impl', 'ours-webgpu', '--runs', String(RUNS), '--warmup', String(WARMUP)],
            icd ? { env: icd } : {},
          );
          ms = result.ms;
          descriptions[impl] = result.description;
        }
        samples[impl]!.push(...ms);
        console.log(`  round ${r + 1}/${ROUNDS} ${LABEL[impl]}: median ${fmt(summarize(ms).median)} ms/step`);
      }
    }
    const stats: Record<string, Summary> = Object.fromEntries(impls.map((i) => [i, summarize(samples[i]!)]));
    const ours = stats['page-ours']?.median ?? Number.NaN;
    const rows = impls.map((i) => [
      LABEL[i],
      descriptions[i]!.replace(/^ours: /, ''),
      cell(stats[i]),
      String(stats[i]!.runs),
      i === 'page-ours' ? '1' : `${fmt(ours / stats[i]!.median)}×`,
    ]);
    const header = ['implementation', 'adapter / backend', 'ms/step median (min–max)', 'steps timed'];
    console.log(`\n${table([...header, 'ours in the page ÷ this'], rows)}`);
    const file = writeResult('browser-step.json', {
      env,
      browser: browser.version(),
      rounds: ROUNDS,
      runsPerRound: RUNS,
      warmup: WARMUP,
      check,
      stats,
      samples,
      descriptions,
    });
    console.log(`\nwrote ${file}`);
  } finally {
    await browser.close();
    server.close();
  }
}

await main();
process.exit(0);
