// Training-step benchmark: the VAE of PyTorch's example (784-400-20-400-784, ReLU, Bernoulli
// decoder, analytic KL, batch 128 of MNIST, Adam 1e-3; forward + backward + update, the loss
// read back every step) in ms/step for our engine (webgpu, cpu), PyTorch on the CPU (its default
// thread count and 2 threads; when a python3 with torch is found: scripts/install-pytorch.sh) and
// TensorFlow.js (webgpu on the same Dawn adapter, wasm, cpu), then one epoch of `vae train` in
// seconds, and a profile of our WebGPU step (time per kernel, and what is left: JS, launches, sync).
//
//   npm run bench:step                 3 rounds × 5 timed steps per implementation (~5 min)
//   npm run bench:step -- --quick      1 round × 7 steps, a 100-step "epoch" (~2 min)
//   flags: --rounds N --runs N --no-epoch --no-cpu (skips the slow cpu backends of ours and TF.js)
//          --only ours-webgpu,torch-2,...  (just these implementations)
//
// Method: every implementation first passes the check of lib/vae-step.ts (loss, all gradients
// and the loss after one Adam step against our CPU backend, from the same parameters and noise);
// then warm-up steps (not timed: shader compiles, allocator growth), then timed steps on
// batches rotating over 8 real MNIST batches. Each (implementation, round) is a fresh process,
// and the order of implementations reverses every round (A B … B A), so drift on a shared
// machine hits all of them. Prints markdown tables; writes bench/results/step.json.
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
let IMPLS: Impl[] = (
  ['ours-webgpu', 'torch-default', 'torch-2', 'tfjs-wasm', 'ours-cpu', 'tfjs-webgpu', 'tfjs-cpu'] as Impl[]
).filter((i) => !(argv.includes('--no-cpu') && i.endsWith('-cpu')) && (!ONLY || ONLY.includes(i)));
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

type ChildStep = {
  result: StepTiming & {
    check: Record<string, number>;
    description: string;
    profile?: OurStepResult['profile'];
    dispatchesPerStep?: number;
  };
};

/** One epoch of `vae train` (webgpu) in a fresh process: the epoch's own seconds and the whole run's. */
async function epochRun(
  limit?: number,
): Promise<{ trainSeconds: number; wallSeconds: number; steps: number; line: string }> {
  const out = mkdtempSync(join(tmpdir(), 'vae-bench-epoch-'));
  const args = [
    '--import',
    'tsx',
    join(ROOT, 'src/cli/main.ts'),
    'train',
    '--epochs',
    '1',
    '--backend',
    'webgpu',
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
  return { trainSeconds: Number(m[1]), wallSeconds, steps: Math.ceil((limit ?? 60000) / 128), line: line.trim() };
}

async function main(): Promise<void> {
  const env = await benchEnv();
  if (!env.hasAdapter) {
    console.log(
      'No WebGPU adapter (install one with scripts/install-webgpu-driver.sh): the webgpu rows, the profile and the epoch are skipped.\n',
    );
    IMPLS = IMPLS.filter((i) => !i.endsWith('webgpu'));
  }
  const torch = IMPLS.some((i) => i.startsWith('torch')) ? findTorchPython() : null;
  let torchLine = '';
  if (!torch && IMPLS.some((i) => i.startsWith('torch'))) {
    torchLine =
      'PyTorch: NOT MEASURED — no python3 with torch found ($VAE_BENCH_PYTHON, /usr/bin/python3, python3); install it with scripts/install-pytorch.sh (as root)';
    IMPLS = IMPLS.filter((i) => !i.startsWith('torch'));
  } else if (torch) {
    torchLine = `PyTorch: ${torch.torch} on the CPU (${torch.python}); its default is ${torch.defaultThreads} thread${torch.defaultThreads === 1 ? '' : 's'} here`;
  }
  const TF_IMPLS = IMPLS.filter((i) => i.startsWith('tfjs'));
  const TORCH_IMPLS = IMPLS.filter((i) => i.startsWith('torch'));
  // "ours": the WebGPU step, or the CPU one on a machine without an adapter
  const OURS: Impl = env.hasAdapter ? 'ours-webgpu' : 'ours-cpu';
  const oursLabel = env.hasAdapter ? 'ours webgpu' : 'ours cpu';
  if (!IMPLS.includes(OURS))
    throw new Error('bench/step.ts: without a WebGPU adapter, --no-cpu leaves none of ours to compare');
  console.log(`## Training step: VAE 784-400-20-400-784, batch 128, Adam, loss read every step\n`);
  console.log(envLines(env));
  if (torchLine) console.log(torchLine);
  console.log(
    `method: ${ROUNDS} round(s) × ${RUNS} timed steps per implementation after warm-up, a fresh process per (implementation, round), order reversed every round; checked against our CPU backend first\n`,
  );

  const samples: Record<string, number[]> = Object.fromEntries(IMPLS.map((i) => [i, []]));
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
      checks[impl] = result.check;
      descriptions[impl] = result.description;
      if (result.profile) profiles.push(result.profile);
      if (result.dispatchesPerStep) dispatchesPerStep = result.dispatchesPerStep;
      console.log(
        `  round ${r + 1}/${ROUNDS} ${IMPL_LABEL[impl]}: median ${fmt(result.summary.median)} ms/step (check: loss rel. err. ${result.check.lossRelErr!.toExponential(1)}, gradients ${result.check.gradRelErr!.toExponential(1)})`,
      );
    }
  }

  const stats: Record<string, Summary> = Object.fromEntries(IMPLS.map((i) => [i, summarize(samples[i]!)]));
  const ours = stats[OURS]!.median;
  const fastest = (impls: Impl[]): Impl | undefined =>
    impls.reduce<Impl | undefined>((b, i) => (!b || stats[i]!.median < stats[b]!.median ? i : b), undefined);
  const label = (i: Impl): string =>
    i === 'torch-default' && torch
      ? `PyTorch cpu, its default ${torch.defaultThreads} thread${torch.defaultThreads === 1 ? '' : 's'}`
      : IMPL_LABEL[i];
  const rows = IMPLS.map((i) => [
    label(i),
    cell(stats[i]),
    String(stats[i]!.runs),
    i === OURS ? '1' : `${fmt(ours / stats[i]!.median)}×`,
  ]);
  console.log(`\n${table(['implementation', 'ms/step median (min–max)', 'steps timed', `${oursLabel} ÷ this`], rows)}`);
  if (torchLine) console.log(`\n${torchLine}`);
  // the headline ratios: ours against the faster PyTorch row and the best TF.js backend
  const headline = (impls: Impl[], what: string, target: number) => {
    const best = fastest(impls);
    if (!best) return null;
    const ratio = ours / stats[best]!.median;
    console.log(
      `${oursLabel}: ${fmt(ours)} ms/step = ${ratio.toFixed(2)}× ${what} (${label(best)}, ${fmt(stats[best]!.median)} ms/step): target ≤ ${target}× ${ratio <= target ? 'MET' : 'NOT MET'}`,
    );
    return { ratio, best, target, met: ratio <= target };
  };
  console.log('');
  const oursOverTorch = headline(TORCH_IMPLS, 'the faster PyTorch row', 1);
  const oursOverBestTfjs = headline(TF_IMPLS, 'the best TensorFlow.js backend', 0.5);

  let profileTable = '';
  let profileSummary: Record<string, unknown> | null = null;
  if (profiles.length) {
    const merged = mergeProfiles(profiles.map((p) => p.profile));
    const steps = profiles.reduce((s, p) => s + p.steps, 0);
    // the unprofiled steps run between the profiled ones: kernel times and step time from the same moments
    const between = summarize(profiles.flatMap((p) => p.stepMs));
    profileTable = formatProfile(merged, { steps, stepMs: between.median, top: 15 });
    console.log(`\n### Where our WebGPU step's time goes\n`);
    console.log(
      `${steps} profiled steps (${merged.clock === 'timestamp' ? 'GPU timestamp queries, one compute pass per kernel' : 'CPU clock, a sync per kernel'}), each after an unprofiled step (median ${fmt(between.median)} ms); ${Math.round(dispatchesPerStep)} kernel launches per step\n`,
    );
    console.log(profileTable);
    profileSummary = { profile: merged, steps, stepMs: between, table: profileTable, dispatchesPerStep };
  }

  let epoch: Awaited<ReturnType<typeof epochRun>> | null = null;
  if (!argv.includes('--no-epoch') && env.hasAdapter) {
    const limit = quick ? 12800 : undefined;
    epoch = await epochRun(limit);
    console.log(`\n### One epoch of \`vae train\` (webgpu)\n`);
    console.log(
      table(
        ['run', 'steps', 'epoch (train) s', 'ms/step in the epoch', 'whole command s'],
        [
          [
            `vae train --epochs 1${limit ? ` --limit ${limit}` : ''}`,
            String(epoch.steps),
            fmt(epoch.trainSeconds),
            fmt((1000 * epoch.trainSeconds) / epoch.steps),
            fmt(epoch.wallSeconds),
          ],
        ],
      ),
    );
  }

  const file = writeResult('step.json', {
    env,
    rounds: ROUNDS,
    runsPerRound: RUNS,
    stats,
    samples,
    checks,
    descriptions,
    torch,
    oursOverTorch,
    oursOverBestTfjs,
    profile: profileSummary,
    epoch,
  });
  console.log(`\nwrote ${file}`);
}

await main();
