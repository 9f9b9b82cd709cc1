// Where a CPU training step's time goes: the VAE step of bench:step (784-400-20-400-784, batch 128,
// Adam, loss read every step) on the fast CPU backend and on the reference, with every Backend
// call timed by the wall clock (the CPU runs kernels synchronously, so a call's time is its
// kernel's). Per kernel: calls per step and ms per step, the median over the timed steps and the
// minimum (the least disturbed by other processes on a shared machine); then the step itself.
//
//   npm run bench:cpu-profile                       30 steps on 'cpu', 5 on 'cpu-reference'
//   npm run bench:cpu-profile -- --steps 50 --reference-steps 3 --top 15
import type { Backend } from '../src/kernels/backend.js';
import { Adam } from '../src/nn/optim.js';
import { currentBackend, useBackend } from '../src/tensor/backends.js';
import { tensor } from '../src/tensor/creation.js';
import { manualSeed } from '../src/tensor/random.js';
import { tidy } from '../src/tensor/tidy.js';
import { fmt, flag, median, table, writeResult } from './lib/stats.js';
import { BATCH, INPUT, LR, mnistBatches, newVae } from './lib/vae-step.js';

const argv = process.argv.slice(2);
const STEPS = Number(flag(argv, 'steps') ?? 30);
const REF_STEPS = Number(flag(argv, 'reference-steps') ?? 5);
const TOP = Number(flag(argv, 'top') ?? 12);
const TIMED = ['matmul', 'map', 'reduce', 'adam', 'copy', 'random', 'alloc', 'upload', 'fill', 'gather', 'scatterAdd'];

/** A readable label for one Backend call: the kernel and its shapes. */
function label(method: string, args: unknown[]): string {
  if (method === 'matmul') {
    const d = args[3] as { m: number; k: number; n: number; transA: boolean; transB: boolean; bias?: unknown };
    const epi = [d.bias ? 'bias' : '', (args[3] as { activation?: string }).activation ?? ''].filter(
      (s) => s && s !== 'none',
    );
    const layout = `${d.transA ? 'T' : 'N'}${d.transB ? 'T' : 'N'}`;
    return `matmul ${layout} ${d.m}×${d.k}·${d.k}×${d.n}${epi.length ? ` ${epi.join('+')}` : ''}`;
  }
  if (method === 'map') {
    const shapes = (args[1] as { shape: number[] }[]).map((i) => `[${i.shape.join(',')}]`);
    return `map ${String(args[0])} ${shapes.join(' ')}`;
  }
  if (method === 'reduce') return `reduce ${String(args[0])} [${String(args[2])}] over ${String(args[3])}`;
  if (method === 'adam') return `adam ${(args[0] as { size: number }).size}`;
  return method;
}

async function profile(choice: 'cpu' | 'cpu-reference', steps: number) {
  await useBackend(choice);
  const be = currentBackend() as Backend & Record<string, (...args: unknown[]) => unknown>;
  const perStep = new Map<string, { calls: number; ms: number[] }>();
  let step = -1;
  const originals = TIMED.filter((m) => typeof be[m] === 'function').map((m) => [m, be[m]!] as const);
  for (const [method, fn] of originals) {
    be[method] = (...args: unknown[]) => {
      const t0 = performance.now();
      const out = fn.apply(be, args);
      if (step >= 0) {
        const key = label(method, args);
        let e = perStep.get(key);
        if (!e) perStep.set(key, (e = { calls: 0, ms: new Array<number>(steps).fill(0) }));
        e.calls++;
        e.ms[step]! += performance.now() - t0;
      }
      return out;
    };
  }
  try {
    manualSeed(0);
    const vae = newVae();
    const opt = new Adam(vae.parameters(), { lr: LR });
    const batches = await mnistBatches(4);
    const run = async (x: Float32Array): Promise<void> => {
      const loss = tidy(() => {
        opt.zeroGrad();
        const { loss } = vae.elbo(tensor(x, [BATCH, INPUT]));
        loss.backward();
        opt.step();
        return loss;
      });
      await loss.item();
      loss.dispose();
    };
    for (let i = 0; i < 3; i++) await run(batches[i % 4]!); // warm-up: JIT, wasm tier-up, buffer pool
    const stepMs: number[] = [];
    for (step = 0; step < steps; step++) {
      const t0 = performance.now();
      await run(batches[step % 4]!);
      stepMs.push(performance.now() - t0);
    }
    step = -1;
    vae.dispose();
    opt.dispose();
    const kernels = [...perStep.entries()].map(([name, e]) => ({
      name,
      callsPerStep: e.calls / steps,
      median: median(e.ms),
      min: Math.min(...e.ms),
    }));
    kernels.sort((a, b) => b.median - a.median);
    return { backend: be.description, steps, stepMs, kernels };
  } finally {
    for (const [method, fn] of originals) be[method] = fn;
  }
}

const results = [];
for (const [choice, steps] of [
  ['cpu', STEPS],
  ['cpu-reference', REF_STEPS],
] as const) {
  const r = await profile(choice, steps);
  results.push({ choice, ...r });
  const all = r.kernels.reduce((s, k) => s + k.median, 0);
  const stepMedian = median(r.stepMs);
  const shown = r.kernels.slice(0, TOP);
  const rest = r.kernels.slice(TOP);
  const rows = shown.map((k) => [
    k.name,
    String(+k.callsPerStep.toFixed(2)),
    fmt(k.median),
    fmt(k.min),
    `${((100 * k.median) / stepMedian).toFixed(1)} %`,
  ]);
  if (rest.length) {
    const restMs = rest.reduce((s, k) => s + k.median, 0);
    rows.push([
      `(${rest.length} more kernels)`,
      String(+rest.reduce((s, k) => s + k.callsPerStep, 0).toFixed(2)),
      fmt(restMs),
      fmt(rest.reduce((s, k) => s + k.min, 0)),
      `${((100 * restMs) / stepMedian).toFixed(1)} %`,
    ]);
  }
  rows.push(['**all kernels**', '', fmt(all), '', `${((100 * all) / stepMedian).toFixed(1)} %`]);
  rows.push(['**step** (median, min)', '', fmt(stepMedian), fmt(Math.min(...r.stepMs)), '100 %']);
  console.log(`\n### ${choice}: ${r.backend}, ${steps} steps\n`);
  console.log(table(['kernel', 'calls/step', 'ms/step median', 'ms/step min', 'share of step'], rows));
}
console.log(`\nwrote ${writeResult('cpu-profile.json', results)}`);
