// Kernel benchmark, side by side: matmul GFLOP/s and elementwise/reduction GB/s over a size
// sweep, for each of our WGSL matmul strategies, our fast CPU backend, our CPU reference kernels,
// and TensorFlow.js's webgpu (the same Dawn adapter), wasm and cpu backends.
//
//   npm run bench:kernels                 2 rounds × 4 samples per implementation (~4 min)
//   npm run bench:kernels -- --quick      1 round × 7 samples, fewer sizes (~1.5 min)
//   flags: --rounds N --runs N --no-cpu (skips the two slow cpu backends: our reference and TF.js cpu)
//          --only ours-cpu,tfjs-wasm,...  (just these implementations)
//
// Method (lib/time-kernels.ts): each case's result is first checked against a float64 CPU
// reference; then a warm-up; then samples of `reps` runs enqueued back to back (inputs rotating
// over 4 sets so caches do not flatter) followed by one wait, divided by reps — launch costs
// included, as in a stream of ops. Every (implementation, round) is a fresh process and the
// order reverses every round, so drift on a shared machine hits all implementations. Prints
// markdown tables; writes bench/results/kernels.json. (bench/kernels-strategies.ts times our
// strategies alone in device time, with the adapter's FMA peak.)
import { IMPL_LABEL, roundOrder, runChild, type Impl } from './lib/child.js';
import { benchEnv, envLines } from './lib/env.js';
import { bytesOf, flopsOf, kernelCases, type KernelCase } from './lib/kernel-cases.js';
import { cell, flag, summarize, table, writeResult, type Summary } from './lib/stats.js';
import type { CaseResult } from './lib/time-kernels.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const ROUNDS = Number(flag(argv, 'rounds') ?? (quick ? 1 : 2));
const RUNS = Number(flag(argv, 'runs') ?? (quick ? 7 : 4));
const SLOW_CPU: Impl[] = ['ours-cpu-reference', 'tfjs-cpu'];
const ONLY = flag(argv, 'only')?.split(',');
let IMPLS: Impl[] = (
  ['ours-webgpu', 'tfjs-webgpu', 'ours-cpu', 'tfjs-wasm', 'ours-cpu-reference', 'tfjs-cpu'] as Impl[]
).filter((i) => !(argv.includes('--no-cpu') && SLOW_CPU.includes(i)) && (!ONLY || ONLY.includes(i)));

const OUR_CPU_LABEL: Partial<Record<Impl, string>> = {
  'ours-cpu': 'ours CPU',
  'ours-cpu-reference': 'ours CPU reference',
};

/** A column of the tables: an implementation and (for our WebGPU matmul) a strategy. */
interface Column {
  impl: Impl;
  variant: string;
  label: string;
}

async function main(): Promise<void> {
  const env = await benchEnv();
  if (!env.hasAdapter) {
    console.log(
      'No WebGPU adapter (install one with scripts/install-webgpu-driver.sh): the webgpu columns are skipped.\n',
    );
    IMPLS = IMPLS.filter((i) => !i.endsWith('webgpu'));
  }
  const cases = kernelCases(quick);
  console.log(`## Kernels: ours (each WGSL strategy, CPU, CPU reference) vs TensorFlow.js (webgpu, wasm, cpu)\n`);
  console.log(envLines(env));
  console.log(
    `method: ${ROUNDS} round(s) × ${RUNS} samples per case and implementation, a fresh process per (implementation, ` +
      `round), order reversed every round; each sample ≈ 40 ms of back-to-back runs then one wait; results ` +
      `checked against a float64 reference first\n`,
  );

  // samples[impl][case][variant] = ms per run
  const samples: Record<string, Record<string, Record<string, number[]>>> = {};
  for (let r = 0; r < ROUNDS; r++) {
    for (const impl of roundOrder(IMPLS, r)) {
      const t0 = performance.now();
      const { result } = await runChild<{ result: CaseResult[] }>([
        '--suite',
        'kernels',
        '--impl',
        impl,
        '--runs',
        String(RUNS),
        ...(quick ? ['--quick'] : []),
      ]);
      for (const c of result) {
        for (const [v, s] of Object.entries(c.variants))
          ((samples[impl] ??= {})[c.label] ??= {})[v] = [...(samples[impl]?.[c.label]?.[v] ?? []), ...s.samples];
      }
      console.log(`  round ${r + 1}/${ROUNDS} ${IMPL_LABEL[impl]}: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
  }

  const stat = (impl: Impl, c: KernelCase, v: string): Summary | undefined => {
    const xs = samples[impl]?.[c.label]?.[v];
    return xs ? summarize(xs) : undefined;
  };
  const columns = (matmul: boolean): Column[] =>
    IMPLS.flatMap((impl) =>
      impl === 'ours-webgpu' && matmul
        ? ['naive', 'blocked', 'tiled'].map((v) => ({ impl, variant: v, label: `ours webgpu ${v}` }))
        : [{ impl, variant: '', label: OUR_CPU_LABEL[impl] ?? IMPL_LABEL[impl] }],
    );

  const mmCols = columns(true);
  const mmCases = cases.filter((c) => c.kind === 'matmul');
  const mmRows = mmCases.map((c) => [
    c.label,
    ...mmCols.map((col) => cell(stat(col.impl, c, col.variant), (ms) => flopsOf(c) / ms / 1e6)),
  ]);
  console.log(`\n### matmul, GFLOP/s: median (min–max)\n`);
  console.log(table(['shape (M×K·K×N)', ...mmCols.map((c) => c.label)], mmRows));

  const eltCols = columns(false);
  const eltCases = cases.filter((c) => c.kind !== 'matmul');
  const eltRows = eltCases.map((c) => [
    c.label,
    ...eltCols.map((col) => cell(stat(col.impl, c, col.variant), (ms) => bytesOf(c) / ms / 1e6)),
  ]);
  console.log(`\n### elementwise and reduction, GB/s (bytes read + written): median (min–max)\n`);
  console.log(table(['op, elements', ...eltCols.map((c) => c.label)], eltRows));

  const summaries = cases.map((c) => ({
    case: c,
    flops: flopsOf(c),
    bytes: bytesOf(c),
    results: Object.fromEntries(
      (c.kind === 'matmul' ? mmCols : eltCols).map((col) => [
        col.label,
        {
          ms: stat(col.impl, col.variant === '' ? c : c, col.variant),
          samples: samples[col.impl]?.[c.label]?.[col.variant] ?? [],
        },
      ]),
    ),
  }));
  const file = writeResult('kernels.json', {
    env,
    rounds: ROUNDS,
    runsPerRound: RUNS,
    cases: summaries,
    tables: { matmul: mmRows, elementwise: eltRows },
  });
  console.log(`\nwrote ${file}`);
}

await main();
