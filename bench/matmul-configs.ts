// How big a block should each invocation of the register-blocked matmul compute? A sweep of
// (rows × vec4 columns per invocation, workgroup shape) configurations, timed round-robin so a
// busy machine slows them all alike. This is the measurement behind BLOCKED_WIDE/NARROW in
// src/kernels/webgpu/kernels/matmul/blocked.ts.
//
//   npx tsx bench/matmul-configs.ts [rows,quads,wgX,wgY[,s] ...]   (s: B shared, as r16q4w1x8s)
//   SHAPES='512,512,512;128,400,784' npx tsx bench/matmul-configs.ts
//   SHAPES='128,400,784,NT;784,400,128,TN' npx tsx bench/matmul-configs.ts 8,4,4,8 16,4,1,8
// (M,N,K[,NN|NT|TN]: op(A) is M×K, op(B) K×N; NT reads B stored N×K, TN reads A stored K×M)
import { createWebGPUBackend } from '../src/kernels/webgpu/index.js';
import { blockedMatmul, blockedTile, type BlockedConfig } from '../src/kernels/webgpu/kernels/matmul/blocked.js';
import { median } from './peak.js';

const DEFAULT_CONFIGS = [
  '4,1,8,8',
  '8,1,8,8',
  '8,2,8,8',
  '8,3,8,8',
  '8,4,8,8',
  '12,3,8,8',
  '16,2,8,8',
  '8,6,8,8',
  '8,4,4,8',
  '8,4,8,2',
];
const args = process.argv.slice(2);
const configs = (args.length ? args : DEFAULT_CONFIGS).map((e) => {
  const [rows = NaN, quads = NaN, wgX = NaN, wgY = NaN] = e.split(',').map(Number);
  const shareB = e.endsWith(',s'); // B shared through subgroups (needs subgroups of wgY lanes)
  const name = `${rows}×${4 * quads} (wg ${wgX}×${wgY}${shareB ? ', B shared' : ''})`;
  return { name, cfg: { rows, quads, wgX, wgY, shareB } as BlockedConfig };
});
const shapes = (process.env.SHAPES ?? '512,512,512;1024,1024,1024;128,784,400;128,20,400').split(';').map((s) => {
  const [M = NaN, N = NaN, K = NaN, t = 'NN'] = s.split(',');
  return [Number(M), Number(N), Number(K), t === 'TN' || t === 'TT', t === 'NT' || t === 'TT'] as const;
});
const rounds = Number(process.env.ROUNDS) || 9;

const gpu = await createWebGPUBackend({ dawnFlags: ['disable-dawn-features=timestamp_quantization'] });
if (!gpu) {
  console.log('No WebGPU adapter.');
  process.exit(0);
}
const rt = gpu.runtime;
console.log(
  `adapter: ${gpu.description}\nGFLOP/s, median of ${rounds} interleaved rounds; rows × columns per invocation\n`,
);
console.log(`| M×N×K | ${configs.map((c) => c.name).join(' | ')} |\n|---|${configs.map(() => '---').join('|')}|`);
for (const [M, N, K, transA, transB] of shapes) {
  const a = gpu.upload(new Float32Array(M * K).fill(0.5), 'float32');
  const b = gpu.upload(new Float32Array(K * N).fill(0.25), 'float32');
  const o = gpu.alloc(M * N, 'float32');
  const v = { transA, transB, aVec: transA && M % 4 === 0, bVec: !transB && N % 4 === 0, outVec: N % 4 === 0 };
  const runs = configs.map(({ cfg }) => {
    const spec = blockedMatmul(v, cfg);
    const kernel = rt.kernel(spec.name, spec.source, spec.slots);
    const tile = blockedTile(cfg);
    const grid: [number, number, number] = [Math.ceil(N / tile.cols), Math.ceil(M / tile.rows), 1];
    const params = { M, N, K, aStride: 0, bStride: 0, batchOffset: 0, hasBias: 0, act: 0, hasRowSums: 0 };
    const rs = gpu.alloc(4, 'float32');
    return {
      launch: () =>
        rt.dispatch(kernel, params, [a.gpuBuffer, b.gpuBuffer, a.gpuBuffer, o.gpuBuffer, rs.gpuBuffer], grid),
      times: [] as number[],
    };
  });
  for (let r = 0; r < rounds + 1; r++) {
    for (const run of runs) {
      const { ms } = await rt.time(run.launch);
      if (r > 0) run.times.push(ms);
    }
  }
  const want = 0.125 * K;
  const got = await gpu.read(o);
  const last = got[M * N - 1] ?? NaN;
  if (!(Math.abs(last - want) <= 1e-3 * want)) throw new Error(`wrong result ${last} != ${want}`);
  const gflops = runs.map((r) => ((2 * M * N * K) / median(r.times) / 1e6).toFixed(1));
  console.log(`| ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} ${M}×${N}×${K} | ${gflops.join(' | ')} |`);
  [a, b, o].forEach((x) => gpu.free(x));
}
gpu.destroy();
