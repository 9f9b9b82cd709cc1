// Our matmul strategies on their own, in device time: GFLOP/s per strategy (naive, blocked,
// tiled, and what `auto` picks) against the CPU reference and the adapter's measured FMA peak,
// on square sizes, the VAE's layer shapes (forward, and the two transposed products of the
// backward pass) and small/degenerate shapes. (bench/kernels.ts compares with TensorFlow.js.)
//
//   npm run bench:strategies                 (runs this file with tsx)
//   npm run bench:strategies -- --quick      (fewer runs, skips 1024²)
//
// Timing: GPU timestamp queries around one compute pass when the adapter has them (Dawn's
// 65 µs quantization is switched off), else wall-clock around submit + onSubmittedWorkDone.
// Two warm-up rounds, then the median of 7, strategies interleaved round by round. Every
// result is checked against a float64 reference (sampled outputs) before it is timed. Prints a
// markdown table; writes JSON to bench/results/kernels-strategies.json.
// The machine should be otherwise idle: on a 2-core box a concurrent process halves the numbers.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MatmulDesc } from '../src/kernels/backend.js';
import { CpuBackend } from '../src/kernels/cpu/cpu-backend.js';
import { createWebGPUBackend, type MatmulStrategy, type WebGPUBackend } from '../src/kernels/webgpu/index.js';
import { measureFmaPeak, median } from './peak.js';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 3 : 7;
const STRATEGIES: MatmulStrategy[] = ['naive', 'blocked', 'tiled'];

interface Shape {
  label: string;
  m: number;
  n: number;
  k: number;
  transA?: boolean;
  transB?: boolean;
}

const SHAPES: Shape[] = [
  ...[128, 256, 512, ...(quick ? [] : [1024])].map((s) => ({ label: `${s}²`, m: s, n: s, k: s })),
  { label: 'enc1 128×784·784×400', m: 128, n: 400, k: 784 },
  { label: 'enc2 128×400·400×20', m: 128, n: 20, k: 400 },
  { label: 'dec1 128×20·20×400', m: 128, n: 400, k: 20 },
  { label: 'dec2 128×400·400×784', m: 128, n: 784, k: 400 },
  { label: 'dW1 (128×784)ᵀ·128×400', m: 784, n: 400, k: 128, transA: true },
  { label: 'dW4 (128×400)ᵀ·128×784', m: 400, n: 784, k: 128, transA: true },
  { label: 'dX2 128×784·(400×784)ᵀ', m: 128, n: 400, k: 784, transB: true },
  { label: 'dX1 128×400·(784×400)ᵀ', m: 128, n: 784, k: 400, transB: true },
  // small and degenerate shapes, where `auto` may prefer the naive kernel
  { label: '32³', m: 32, n: 32, k: 32 },
  { label: 'vec·mat 1×400·400×784', m: 1, n: 784, k: 400 },
  { label: 'mat·vec 128×400·400×1', m: 128, n: 1, k: 400 },
];

function rand(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 32 - 0.5;
  }
  return a;
}

function desc(s: Shape): MatmulDesc {
  return { batch: 1, m: s.m, n: s.n, k: s.k, transA: !!s.transA, transB: !!s.transB, aBatchStride: 0, bBatchStride: 0 };
}

/** out[i][j] in float64, straight from the definition (used to check sampled outputs). */
function reference(a: Float32Array, b: Float32Array, s: Shape, i: number, j: number): { value: number; scale: number } {
  let value = 0,
    scale = 0;
  for (let p = 0; p < s.k; p++) {
    const x = (s.transA ? a[p * s.m + i] : a[i * s.k + p]) ?? NaN;
    const y = (s.transB ? b[j * s.k + p] : b[p * s.n + j]) ?? NaN;
    value += x * y;
    scale += Math.abs(x * y);
  }
  return { value, scale };
}

async function checkResult(
  gpu: WebGPUBackend,
  out: ReturnType<WebGPUBackend['alloc']>,
  a: Float32Array,
  b: Float32Array,
  s: Shape,
  what: string,
): Promise<void> {
  const got = await gpu.read(out);
  const samples = Math.min(s.m * s.n, 256);
  for (let t = 0; t < samples; t++) {
    const idx = samples === s.m * s.n ? t : Math.floor((((t * 2654435761) >>> 0) / 2 ** 32) * s.m * s.n);
    const i = Math.floor(idx / s.n),
      j = idx % s.n;
    const { value, scale } = reference(a, b, s, i, j);
    const v = got[idx] ?? NaN;
    if (!(Math.abs(v - value) <= 1e-6 + (s.k + 2) * 2 ** -23 * scale)) {
      throw new Error(`${what}: out[${i}][${j}] = ${v}, expected ${value}`);
    }
  }
}

async function main(): Promise<void> {
  const gpu = await createWebGPUBackend({ dawnFlags: ['disable-dawn-features=timestamp_quantization'] });
  if (!gpu) {
    console.log('No WebGPU adapter: install a Vulkan driver with scripts/install-webgpu-driver.sh');
    return;
  }
  const rt = gpu.runtime;
  const clock = rt.hasTimestamps ? 'GPU timestamp queries' : 'wall clock (submit → onSubmittedWorkDone)';
  const peak = await measureFmaPeak(rt);
  console.log(`adapter: ${gpu.description}`);
  console.log(
    `FMA peak (compute-bound kernel): ${peak.gflops.toFixed(1)} GFLOP/s; timing: ${clock}; median of ${RUNS} runs\n`,
  );

  const cpu = new CpuBackend();
  const rows: Record<string, unknown>[] = [];
  const header = [
    'shape',
    ...STRATEGIES.map((s) => `${s} GFLOP/s (% peak)`),
    'blocked, tuned per shape (config)',
    'auto →',
    'CPU ref GFLOP/s',
  ];
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);

  for (const s of SHAPES) {
    const flops = 2 * s.m * s.n * s.k;
    const aData = rand(s.m * s.k, 1),
      bData = rand(s.k * s.n, 2);
    const a = gpu.upload(aData, 'float32'),
      b = gpu.upload(bData, 'float32');
    const out = gpu.alloc(s.m * s.n, 'float32');
    const d = desc(s);
    const row: Record<string, unknown> = {
      shape: s.label,
      m: s.m,
      n: s.n,
      k: s.k,
      transA: !!s.transA,
      transB: !!s.transB,
    };
    const cells: string[] = [];
    // check each strategy once, then time them round-robin (warm-up rounds first), so a busy
    // machine slows every strategy alike instead of whichever happened to run at the time
    for (const strategy of STRATEGIES) {
      gpu.setMatmulStrategy(strategy);
      gpu.fill(out, NaN);
      gpu.matmul(a, b, out, d);
      await checkResult(gpu, out, aData, bData, s, `${strategy} ${s.label}`);
    }
    const times: Record<MatmulStrategy, number[]> = { naive: [], blocked: [], tiled: [] };
    for (let r = 0; r < RUNS + 2; r++) {
      for (const strategy of STRATEGIES) {
        // naive at 1024² takes seconds per run: three timed runs are enough there
        if (strategy === 'naive' && flops > 1e9 && r >= 5) continue;
        gpu.setMatmulStrategy(strategy);
        const { ms } = await rt.time(() => gpu.matmul(a, b, out, d));
        if (r >= 2) times[strategy].push(ms);
      }
    }
    for (const strategy of STRATEGIES) {
      const ms = median(times[strategy]);
      const gflops = flops / ms / 1e6;
      row[strategy] = { ms, gflops, peakShare: gflops / peak.gflops, runs: times[strategy].length };
      cells.push(`${gflops.toFixed(2)} (${((100 * gflops) / peak.gflops).toFixed(0)} %)`);
    }
    // autotuning (vae tune): every blocked candidate timed at this shape, the fastest kept
    const [tuned] = await gpu.tuneMatmul([d], RUNS);
    const best = tuned!.candidates.find((c) => c.config === tuned!.best)!;
    row.tuned = { config: best.config, ms: best.ms, gflops: best.gflops, peakShare: best.gflops / peak.gflops };
    cells.push(`${best.gflops.toFixed(2)} (${((100 * best.gflops) / peak.gflops).toFixed(0)} %, ${best.config})`);
    gpu.setMatmulStrategy('auto');
    const auto = gpu.strategyFor(d);
    row.auto = auto;

    // CPU reference: same product, time-capped (one run if it takes over a second)
    const ca = cpu.upload(aData, 'float32'),
      cb = cpu.upload(bData, 'float32'),
      co = cpu.alloc(s.m * s.n, 'float32');
    const cpuTimes: number[] = [];
    const deadline = performance.now() + 3000;
    do {
      const t0 = performance.now();
      cpu.matmul(ca, cb, co, d);
      cpuTimes.push(performance.now() - t0);
    } while (cpuTimes.length < RUNS && performance.now() < deadline && (cpuTimes[0] ?? 0) < 1000);
    const cpuGflops = flops / median(cpuTimes) / 1e6;
    row.cpu = { ms: median(cpuTimes), gflops: cpuGflops, runs: cpuTimes.length };
    console.log(`| ${s.label} | ${cells.join(' | ')} | ${auto} | ${cpuGflops.toFixed(2)} |`);
    rows.push(row);
    [a, b, out].forEach((x) => gpu.free(x));
  }

  const result = {
    date: new Date().toISOString(),
    adapter: gpu.description,
    clock,
    runs: RUNS,
    fmaPeakGflops: peak.gflops,
    matmul: rows,
  };
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'kernels-strategies.json');
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwrote ${file}`);
  gpu.destroy();
}

await main();
