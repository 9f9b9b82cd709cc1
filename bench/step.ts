// Training-step benchmark: the VAE of PyTorch's example (784-400-20-400-784, ReLU, Bernoulli
// decoder, analytic KL, batch 128 of MNIST, Adam 1e-3; forward + backward + update, the loss
// read back every step) in ms/step for our engine (webgpu, the fast cpu backend, the cpu reference),
// PyTorch on the CPU (its default thread count and 2 threads; when a python3 with torch is found:
// scripts/install-pytorch.sh) and
// TensorFlow.js (webgpu on the same Dawn adapter, wasm, cpu), then one epoch of `vae train` in
// seconds, and a profile of our WebGPU step (time per kernel, and what is left: JS, launches, sync).
//
//   npm run bench:step                 3 rounds × 5 timed steps per implementation (~5 min)
//   npm run bench:step -- --quick      1 round × 7 steps, a 100-step "epoch" (~2 min)
//   flags: --rounds N --runs N --no-epoch --no-cpu (skips the slow cpu backends: our reference and TF.js cpu)
//          --only ours-webgpu,torch-2,...  (just these implementations)
//
// Method: every implementation first passes the check of lib/vae-step.ts (loss, all gradients
// and the loss after one Adam step against our CPU backend, from the same parameters and noise);
// then warm-up steps (not timed: shader compiles, allocator growth), then timed steps on
// batches rotating over 8 real MNIST batches. Each (implementation, round) is a fresh process,
// and the order of implementations reverses every round (A B … B A), so drift on a shared
// machine hits all of them. Ours on WebGPU runs the matmul configurations `vae train` runs (this
// adapter's tuning cache, missing shapes tuned first; VAE_MATMUL_TUNING=off: the untuned defaults).
// Prints markdown tables; writes bench/results/step.json.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatProfile, mergeProfiles, type StepProfile } from '../src/kernels/webgpu/index.js';
import type { OurStepResult } from './impl/ours.js';
import { findTorchPython } from './impl/pytorch.js';
import { IMPL_LABEL, roundOrder, runChild, type Impl } from './lib/child.js';
import { benchEnv, envLines } from './lib/env.js';
import { cell, flag, fmt, summarize, table, writeResult, type Summary } from './lib/stats.js';
import type { StepTiming } from './lib/vae-step.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const ROUNDS = Number(flag(argv, 'rounds') ?? (quick ? 1 : 3));
const RUNS = Number(flag(argv, 'runs') ?? (quick ? 7 : 5));
const PROFILE_STEPS = 5;
const ONLY = flag(argv, 'only')?.split(',');
const SLOW_CPU: Impl[] = ['ours-cpu-reference', 'tfjs-cpu'];
let IMPLS: Impl[] = (
  [
    'ours-webgpu',
    'torch-default',
    'torch-2',
    'tfjs-wasm',
    'ours-cpu',
    'tfjs-webgpu',
    'ours-cpu-reference',
    'tfjs-cpu',
  ] as Impl[]
).filter((i) => !(argv.includes('--no-cpu') && SLOW_CPU.includes(i)) && (!ONLY || ONLY.includes(i)));
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

type ChildStep = {
  result: StepTiming & {
    check: Record<string, number>;
    description: string;
    profile?: OurStepResult['profile'];
    dispatchesPerStep?: number;
  };
};

/** One epoch of `vae train` in a fresh process: the epoch's own seconds and the whole run's. */
async function epochRun(
  backend: 'webgpu' | 'cpu',
  limit?: number,
): Promise<{ backend: string; trainSeconds: number; wallSeconds: number; steps: number; line: string }> {
  const out = mkdtempSync(join(tmpdir(), 'vae-bench-epoch-'));
  const args = [
    '--import',
    'tsx',
    join(ROOT, 'src/cli/main.ts'),
    'train',
    '--epochs',
    '1',
    '--backend',
    backend,
    '--out',
    out,
    ...(limit ? ['--limit', String(limit)] : []),
  ];
  const t0 = performance.now();
  const text: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => text.push(d.toString()));
    child.stderr.on('data', (d: Buffer) => text.push(d.toString()));
    child.on('error', reject);
    child.on('close', resolve);
  });
  const wallSeconds = (performance.now() - t0) / 1000;
  rmSync(out, { recursive: true, force: true });
  const all = text.join('');
  const line = all.split('\n').find((l) => /^epoch 1\/1 .*train -ELBO/.test(l));
  const m = line?.match(/([\d.]+)s\s*$/);
  if (code !== 0 || !line || !m) throw new Error(`vae train exited with ${code}:\n${all.slice(-3000)}`);
  return {
    backend,
    trainSeconds: Number(m[1]),
    wallSeconds,
    steps: Math.ceil((limit ?? 60000) / 128),
    line: line.trim(),
  };
}

async function main(): Promise<void> {
  const env = await benchEnv();
  if (!env.hasAdapter) {
    console.log(
      'No WebGPU adapter (install one with scripts/install-webgpu-driver.sh): the webgpu rows, ' +
        'the profile and the epoch are skipped.\n',
    );
    IMPLS = IMPLS.filter((i) => !i.endsWith('webgpu'));
  }
  const torch = IMPLS.some((i) => i.startsWith('torch')) ? findTorchPython() : null;
  let torchLine = '';
  if (!torch && IMPLS.some((i) => i.startsWith('torch'))) {
    torchLine =
      'PyTorch: NOT MEASURED — no python3 with torch found ($VAE_BENCH_PYTHON, /usr/bin/python3, python3); install ' +
      'it with scripts/install-pytorch.sh (as root)';
    IMPLS = IMPLS.filter((i) => !i.startsWith('torch'));
  } else if (torch) {
    torchLine =
      `PyTorch: ${torch.torch} on the CPU (${torch.python}); its default is ${torch.defaultThreads} ` +
      `thread${torch.defaultThreads === 1 ? '' : 's'} here`;
  }
  const TF_IMPLS = IMPLS.filter((i) => i.startsWith('tfjs'));
  const TORCH_IMPLS = IMPLS.filter((i) => i.startsWith('torch'));
  // "ours": the WebGPU step, or the CPU one without an adapter (or with --only leaving webgpu out)
  const OURS: Impl = IMPLS.includes('ours-webgpu') ? 'ours-webgpu' : 'ours-cpu';
  const oursLabel = OURS === 'ours-webgpu' ? 'ours webgpu' : 'ours cpu';
  if (!IMPLS.includes(OURS)) throw new Error('bench/step.ts: the flags leave none of ours (webgpu or cpu) to compare');
  console.log(`## Training step: VAE 784-400-20-400-784, batch 128, Adam, loss read every step\n`);
  console.log(envLines(env));
  if (torchLine) console.log(torchLine);
  console.log(
    `method: ${ROUNDS} round(s) × ${RUNS} timed steps per implementation after warm-up, a fresh process per ` +
      `(implementation, round), order reversed every round; checked against our CPU backend first\n`,
  );

  const samples: Record<string, number[]> = Object.fromEntries(IMPLS.map((i) => [i, []]));
  const cpuSamples: Record<string, number[]> = Object.fromEntries(IMPLS.map((i) => [i, []]));
  const checks: Record<string, Record<string, number>> = {};
  const descriptions: Record<string, string> = {};
  const profiles: StepProfile[] = [];
  let dispatchesPerStep = 0;
  for (let r = 0; r < ROUNDS; r++) {
    for (const impl of roundOrder(IMPLS, r)) {
      const webgpu = impl.endsWith('webgpu'); // shader compiles and pipelines warm up longer
      const warmup = webgpu ? 5 : 2;
      const args = ['--suite', 'step', '--impl', impl, '--runs', String(RUNS), '--warmup', String(warmup)];
      if (impl === 'ours-webgpu') args.push('--profile', String(PROFILE_STEPS));
      const { result } = await runChild<ChildStep>(args);
      samples[impl]!.push(...result.ms);
      cpuSamples[impl]!.push(...(result.cpuMs ?? []));
      checks[impl] = result.check;
      descriptions[impl] = result.description;
      if (result.profile) profiles.push(result.profile);
      if (result.dispatchesPerStep) dispatchesPerStep = result.dispatchesPerStep;
      console.log(
        `  round ${r + 1}/${ROUNDS} ${IMPL_LABEL[impl]}: median ${fmt(result.summary.median)} ms/step (check: loss ` +
          `rel. err. ${result.check.lossRelErr!.toExponential(1)}, gradients ` +
          `${result.check.gradRelErr!.toExponential(1)})`,
      );
    }
  }

  const stats: Record<string, Summary> = Object.fromEntries(IMPLS.map((i) => [i, summarize(samples[i]!)]));
  const fastest = (impls: Impl[]): Impl | undefined =>
    impls.reduce<Impl | undefined>((b, i) => (!b || stats[i]!.median < stats[b]!.median ? i : b), undefined);
  const label = (i: Impl): string =>
    i === 'torch-default' && torch
      ? `PyTorch cpu, its default ${torch.defaultThreads} thread${torch.defaultThreads === 1 ? '' : 's'}`
      : IMPL_LABEL[i];
  // ratio columns: ours (webgpu, or cpu without an adapter), and ours cpu beside it when both ran
  const ratioOf = (mine: Impl) => (i: Impl) => (i === mine ? '1' : `${fmt(stats[mine]!.median / stats[i]!.median)}×`);
  const ratioCols: [string, (i: Impl) => string][] = [[`${oursLabel} ÷ this`, ratioOf(OURS)]];
  if (OURS !== 'ours-cpu' && IMPLS.includes('ours-cpu')) ratioCols.push(['ours cpu ÷ this', ratioOf('ours-cpu')]);
  // CPU time per step (the process's, all threads): robust where other processes share the cores
  const cpuStats: Record<string, Summary> = Object.fromEntries(
    IMPLS.filter((i) => cpuSamples[i]!.length).map((i) => [i, summarize(cpuSamples[i]!)]),
  );
  const rows = IMPLS.map((i) => [
    label(i),
    cell(stats[i]),
    cell(cpuStats[i]),
    String(stats[i]!.runs),
    ...ratioCols.map(([, f]) => f(i)),
  ]);
  const headers = ['implementation', 'ms/step median (min–max)', 'CPU ms/step median (min–max)', 'steps timed'];
  console.log(`\n${table([...headers, ...ratioCols.map(([h]) => h)], rows)}`);
  if (torchLine) console.log(`\n${torchLine}`);
  // the headline ratios: ours against the faster PyTorch row and the best TF.js backend
  const headline = (impls: Impl[], what: string, target: number, mine: Impl = OURS) => {
    const best = fastest(impls);
    if (!best || !stats[mine]) return null;
    const ratio = stats[mine].median / stats[best]!.median;
    console.log(
      `${label(mine)}: ${fmt(stats[mine].median)} ms/step = ${ratio.toFixed(2)}× ${what} (${label(best)}, ` +
        `${fmt(stats[best]!.median)} ms/step): target ≤ ${target}× ${ratio <= target ? 'MET' : 'NOT MET'}`,
    );
    return { ratio, best, target, met: ratio <= target };
  };
  console.log('');
  // targets (issue 10): webgpu ≤ 1× PyTorch and ≤ 0.5× TF.js; the cpu backend ≤ 5× PyTorch, about TF.js wasm
  const cpuTargets = OURS === 'ours-cpu';
  const oursOverTorch = headline(TORCH_IMPLS, 'the faster PyTorch row', cpuTargets ? 5 : 1);
  const oursOverBestTfjs = headline(TF_IMPLS, 'the best TensorFlow.js backend', cpuTargets ? 1 : 0.5);
  const cpu =
    !cpuTargets && IMPLS.includes('ours-cpu')
      ? {
          overTorch: headline(TORCH_IMPLS, 'the faster PyTorch row', 5, 'ours-cpu'),
          overTfjsWasm: headline(TF_IMPLS.includes('tfjs-wasm') ? ['tfjs-wasm'] : [], 'TF.js wasm', 1, 'ours-cpu'),
        }
      : null;
  // the same ratio in CPU time, which a busy machine disturbs less than the wall clock
  const bestTorchCpu = TORCH_IMPLS.filter((i) => cpuStats[i]).reduce<Impl | undefined>(
    (b, i) => (!b || cpuStats[i]!.median < cpuStats[b]!.median ? i : b),
    undefined,
  );
  const cpuTimeOverTorch =
    cpuStats['ours-cpu'] && bestTorchCpu
      ? { ratio: cpuStats['ours-cpu'].median / cpuStats[bestTorchCpu]!.median, best: bestTorchCpu }
      : null;
  if (cpuTimeOverTorch) {
    const [ours, torch] = [cpuStats['ours-cpu']!.median, cpuStats[bestTorchCpu!]!.median];
    console.log(
      `ours, cpu in CPU time: ${fmt(ours)} ms/step = ${cpuTimeOverTorch.ratio.toFixed(2)}× ` +
        `${label(bestTorchCpu!)} (${fmt(torch)} ms/step of CPU)`,
    );
  }
  if (stats['ours-cpu'] && stats['ours-cpu-reference']) {
    console.log(
      `ours, cpu: ${fmt(stats['ours-cpu-reference'].median / stats['ours-cpu'].median)}× faster than the cpu ` +
        `reference kernels`,
    );
  }

  let profileTable = '';
  let profileSummary: Record<string, unknown> | null = null;
  if (profiles.length) {
    const merged = mergeProfiles(profiles.map((p) => p.profile));
    const steps = profiles.reduce((s, p) => s + p.steps, 0);
    // the unprofiled steps run between the profiled ones: kernel times and step time from the same moments
    const between = summarize(profiles.flatMap((p) => p.stepMs));
    profileTable = formatProfile(merged, { steps, stepMs: between.median, top: 15 });
    console.log(`\n### Where our WebGPU step's time goes\n`);
    const clock =
      merged.clock === 'timestamp'
        ? 'GPU timestamp queries, one compute pass per kernel'
        : 'CPU clock, a sync per kernel';
    console.log(
      `${steps} profiled steps (${clock}), each after an unprofiled step (median ${fmt(between.median)} ms); ` +
        `${Math.round(dispatchesPerStep)} kernel launches per step\n`,
    );
    console.log(profileTable);
    profileSummary = { profile: merged, steps, stepMs: between, table: profileTable, dispatchesPerStep };
  }

  // one epoch of `vae train` on each of our backends that ran (webgpu, the fast cpu)
  const epochs: Awaited<ReturnType<typeof epochRun>>[] = [];
  if (!argv.includes('--no-epoch')) {
    const limit = quick ? 12800 : undefined;
    const backends = (['webgpu', 'cpu'] as const).filter((b) => IMPLS.includes(`ours-${b}`));
    for (const b of backends) epochs.push(await epochRun(b, limit));
    if (epochs.length) {
      console.log(`\n### One epoch of \`vae train\`\n`);
      console.log(
        table(
          ['run', 'steps', 'epoch (train) s', 'ms/step in the epoch', 'whole command s'],
          epochs.map((e) => [
            `vae train --epochs 1 --backend ${e.backend}${limit ? ` --limit ${limit}` : ''}`,
            String(e.steps),
            fmt(e.trainSeconds),
            fmt((1000 * e.trainSeconds) / e.steps),
            fmt(e.wallSeconds),
          ]),
        ),
      );
    }
  }
  const epoch = epochs.find((e) => e.backend === 'webgpu') ?? null;

  const file = writeResult('step.json', {
    env,
    rounds: ROUNDS,
    runsPerRound: RUNS,
    stats,
    samples,
    cpuStats,
    cpuSamples,
    cpuTimeOverTorch,
    checks,
    descriptions,
    torch,
    oursOverTorch,
    oursOverBestTfjs,
    cpu,
    profile: profileSummary,
    epoch,
    epochs,
  });
  console.log(`\nwrote ${file}`);
}

await main();
