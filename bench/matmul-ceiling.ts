// Where the time of a training-shape matmul goes on this adapter: the register-blocked kernels that
// `vae tune` picks for the VAE's five big products (the tall block, and the tall block with B shared
// through subgroups where the device has them), timed as shipped and with their loads replaced by
// a little arithmetic (so the same multiply-adds, accumulators and loop remain), against the
// adapter's FMA peak. What is left with no loads at all is the ceiling of that kernel shape.
//
//   npm run bench:ceiling              (tsx bench/matmul-ceiling.ts; ROUNDS=n, default 9)
//
// What lavapipe (Mesa 25.0, LLVM 15) makes of the WGSL, read from its machine code
// (MESA_SHADER_CACHE_DISABLE=true GALLIVM_DEBUG=asm npx tsx bench/matmul-configs.ts 16,4,1,8):
//  - every invocation is one lane of an 8-wide AVX2 vector, and a loop runs under an execution
//    mask: each `acc = fma(a, b, acc)` becomes a multiply, an add and a blend with the mask
//    (`fma` is not fused), and with 16×16 outputs per lane the 256 accumulators live on the stack,
//    so each one also costs a load and a store. The FMA-peak kernel (bench/peak.ts) pays the
//    multiply, add and blend too, but keeps its 32 accumulators in registers;
//  - a storage-buffer load whose index depends on the loop counter is not a vector gather: it is
//    a loop over the 8 lanes, each testing its mask bit and the buffer's bounds with branches, then
//    loading one scalar and inserting it. Only indices built from constants take the one-load
//    path, so the tall block loads B's row, identical in every lane, 8 times over; the shared
//    variant (r16q4w1x8s) loads it once, 2 values per lane, and moves them with subgroupBroadcast
//    (a shuffle). A's values differ per lane: those loads remain.
// Tried against that, all slower at these shapes: K unrolled by 2 or 4 with the multiply-adds
// chained through `let`s (one blend per 4 steps, but 1.6–2× the time), A read as vec4 along K,
// A through a uniform buffer (branch-free gathers, but 64 KiB bindings, and a dynamic component
// index loads all four), operands through textures (each fetch is a call that spills the
// registers), and blocks of 5–8 vec4 columns or 24 rows per lane (bench/matmul-configs.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createWebGPUBackend } from '../src/kernels/webgpu/index.js';
import {
  blockedMatmul,
  blockedTile,
  configName,
  type BlockedConfig,
} from '../src/kernels/webgpu/kernels/matmul/blocked.js';
import { matmulVariant } from '../src/kernels/webgpu/kernels/matmul/index.js';
import type { MatmulCase } from './lib/kernel-cases.js';
import { measureFmaPeak, median } from './peak.js';

/** The configurations `vae tune` picks for the five products on lavapipe (bench:strategies). */
const TALL: BlockedConfig = { rows: 16, quads: 4, wgX: 1, wgY: 8 };
const TALL_SHARED: BlockedConfig = { ...TALL, shareB: true };
const ROUNDS = Number(process.env.ROUNDS) || 9;

type Product = Omit<MatmulCase, 'kind'>;
// op(A) is m×k, op(B) k×n; a Linear layer stores W as out×in, so its forward product is A·Wᵀ.
const PRODUCTS: Product[] = [
  { label: 'encoder fc1 forward, x·W1ᵀ', m: 128, n: 400, k: 784, transA: false, transB: true },
  { label: 'decoder fc4 forward, h·W4ᵀ', m: 128, n: 784, k: 400, transA: false, transB: true },
  { label: 'decoder fc4 input grad, dY·W4', m: 128, n: 400, k: 784, transA: false, transB: false },
  { label: 'decoder fc4 weight grad, dYᵀ·h', m: 784, n: 400, k: 128, transA: true, transB: false },
  { label: 'encoder fc1 weight grad, dZᵀ·x', m: 400, n: 784, k: 128, transA: true, transB: false },
];

type Variant = 'shipped' | 'no A loads' | 'no B loads' | 'no loads';
const VARIANTS: Variant[] = ['shipped', 'no A loads', 'no B loads', 'no loads'];

/**
 * The shipped kernel's source with the K loop's loads of A and/or B replaced by a value computed
 * from p (so it is not hoisted out of the loop); arrayLength keeps both bindings in the layout.
 * Throws if the generator's loads no longer look as expected, rather than timing something else.
 */
function withoutLoads(source: string, cfg: BlockedConfig, dropA: boolean, dropB: boolean): string {
  let aCount = 0,
    bCount = 0;
  const lines = source.split('\n').map((line) => {
    const m = /^ {4}let (a\d+|av\d+|b\d+|bv\d+) = (.*)$/.exec(line);
    if (!m) return line;
    const [, name = '', expr = ''] = m;
    const fromA = /\bA\[/.test(expr),
      fromB = /\bB\[/.test(expr);
    const index = Number(name.replace(/\D/g, ''));
    if (dropA && fromA) {
      aCount += name.startsWith('av') ? 4 : 1;
      const v = `f32(p + ${index}u) * 1e-3`;
      return `    let ${name} = ${name.startsWith('av') ? `vec4<f32>(${v})` : v};`;
    }
    if (dropB && fromB) {
      bCount++;
      const v = `f32(p + ${index}u) * 1e-3`;
      return `    let ${name} = ${name.startsWith('bv') ? v : `vec4<f32>(${v})`};`;
    }
    return line;
  });
  const bLoads = cfg.shareB ? (4 * cfg.quads) / cfg.wgY : cfg.quads;
  if ((dropA && aCount !== cfg.rows) || (dropB && bCount !== bLoads))
    throw new Error(`matmul-ceiling: replaced ${aCount} A and ${bCount} B loads, expected ${cfg.rows} and ${bLoads}`);
  const out = lines.join('\n');
  const storeAt = out.lastIndexOf('  var tile = ');
  if (storeAt < 0) throw new Error('matmul-ceiling: the epilogue moved');
  const keep = '  acc0_0.x += f32(arrayLength(&A)) * 0.0 + f32(arrayLength(&B)) * 0.0;\n';
  return out.slice(0, storeAt) + keep + out.slice(storeAt);
}

const gpu = await createWebGPUBackend();
if (!gpu) {
  console.log('No WebGPU adapter: nothing to measure.');
  process.exit(0);
}
const rt = gpu.runtime;
if (!rt.hasTimestamps) console.log('(no timestamp queries: wall-clock timing, noisier)');
const configs = gpu.matmulCandidates.some((c) => c.shareB) ? [TALL, TALL_SHARED] : [TALL];
const peak = await measureFmaPeak(rt);
console.log(`adapter: ${gpu.description}`);
console.log(
  `FMA peak (bench/peak.ts): ${peak.gflops.toFixed(1)} GFLOP/s; kernels ${configs.map(configName).join(', ')}; ` +
    `median (min–max) of ${ROUNDS} interleaved rounds\n`,
);

type Result = { gflops: number; min: number; max: number; peakShare: number };
interface Row {
  product: string;
  shape: string;
  config: string;
  results: Record<Variant, Result>;
}
const rows: Row[] = [];
for (const p of PRODUCTS) {
  const a = gpu.upload(new Float32Array(p.m * p.k).fill(0.5), 'float32');
  const b = gpu.upload(new Float32Array(p.k * p.n).fill(0.25), 'float32');
  const o = gpu.alloc(p.m * p.n, 'float32');
  const rs = gpu.alloc(p.m, 'float32');
  const desc = {
    batch: 1,
    m: p.m,
    n: p.n,
    k: p.k,
    transA: p.transA,
    transB: p.transB,
    aBatchStride: 0,
    bBatchStride: 0,
  };
  const params = { M: p.m, N: p.n, K: p.k, aStride: 0, bStride: 0, batchOffset: 0, hasBias: 0, act: 0, hasRowSums: 0 };
  const runs = configs.flatMap((cfg) => {
    const spec = blockedMatmul(matmulVariant(desc), cfg);
    const tile = blockedTile(cfg);
    const grid: [number, number, number] = [Math.ceil(p.n / tile.cols), Math.ceil(p.m / tile.rows), 1];
    return VARIANTS.map((variant) => {
      const source =
        variant === 'shipped'
          ? spec.source
          : withoutLoads(spec.source, cfg, variant !== 'no B loads', variant !== 'no A loads');
      const kernel = rt.kernel(`${spec.name}_${configName(cfg)}_${variant.replace(/ /g, '_')}`, source, spec.slots);
      const launch = (): void =>
        rt.dispatch(kernel, params, [a.gpuBuffer, b.gpuBuffer, a.gpuBuffer, o.gpuBuffer, rs.gpuBuffer], grid);
      return { cfg, variant, launch, times: [] as number[] };
    });
  });
  // each shipped kernel must compute the product (every output = 0.5 · 0.25 · k)
  for (const run of runs.filter((r) => r.variant === 'shipped')) {
    gpu.fill(o, Number.NaN);
    run.launch();
    const got = await gpu.read(o);
    const want = 0.125 * p.k;
    if (!got.every((x) => Math.abs(x - want) <= 1e-4 * want))
      throw new Error(`matmul-ceiling: ${configName(run.cfg)} computes a wrong product for ${p.label}`);
  }
  for (let r = 0; r <= ROUNDS; r++)
    for (const run of runs) {
      const { ms } = await rt.time(run.launch);
      if (r > 0) run.times.push(ms); // round 0 warms up (compiles)
    }
  const flops = 2 * p.m * p.n * p.k;
  const gf = (ms: number): number => flops / ms / 1e6;
  for (const cfg of configs) {
    const results = Object.fromEntries(
      runs
        .filter((run) => run.cfg === cfg)
        .map((run) => {
          const gflops = gf(median(run.times));
          const [min, max] = [gf(Math.max(...run.times)), gf(Math.min(...run.times))];
          return [run.variant, { gflops, min, max, peakShare: gflops / peak.gflops }];
        }),
    ) as Row['results'];
    const shape = `${p.transA ? 'T' : 'N'}${p.transB ? 'T' : 'N'} ${p.m}×${p.n}×${p.k}`;
    rows.push({ product: p.label, shape, config: configName(cfg), results });
  }
  [a, b, o, rs].forEach((x) => gpu.free(x));
}
gpu.destroy();

const cell = (x: Result): string =>
  `${x.gflops.toFixed(1)} (${x.min.toFixed(1)}–${x.max.toFixed(1)}), ${(100 * x.peakShare).toFixed(0)} %`;
console.log(`| product (M×N×K) | kernel | ${VARIANTS.map((v) => `${v}: GFLOP/s, % of peak`).join(' | ')} |`);
console.log(`| --- | --- | ${VARIANTS.map(() => '---').join(' | ')} |`);
for (const r of rows)
  console.log(`| ${r.product} (${r.shape}) | ${r.config} | ${VARIANTS.map((v) => cell(r.results[v])).join(' | ')} |`);

const file = join(dirname(fileURLToPath(import.meta.url)), 'results', 'matmul-ceiling.json');
mkdirSync(dirname(file), { recursive: true });
const configNames = configs.map(configName);
const json = {
  date: new Date().toISOString(),
  adapter: gpu.description,
  configs: configNames,
  rounds: ROUNDS,
  fmaPeakGflops: peak.gflops,
  rows,
};
writeFileSync(file, `${JSON.stringify(json, null, 1)}\n`);
console.log(`\nwrote ${file}`);
