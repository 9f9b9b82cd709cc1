// matmul: pick a strategy, derive the variant the layout allows, dispatch over
// (column tiles, row tiles, batch). Batches beyond 65535 are split over several dispatches.
import type { MatmulDesc } from '../../../backend.js';
import type { WebGPUBuf } from '../../buffer.js';
import { MAX_WORKGROUPS_PER_DIM } from '../../grid.js';
import type { KernelSpec, Runtime } from '../../runtime.js';
import { BLOCKED_TILE, blockedMatmul } from './blocked.js';
import { variantKey, type MatmulStrategy, type MatmulVariant } from './common.js';
import { NAIVE_TILE, naiveMatmul } from './naive.js';
import { TILED_TILE, tiledMatmul } from './tiled.js';

export type { MatmulStrategy } from './common.js';
export type MatmulStrategyChoice = MatmulStrategy | 'auto';

const GENERATORS: Record<MatmulStrategy, { tile: number; make: (v: MatmulVariant) => KernelSpec }> = {
  naive: { tile: NAIVE_TILE, make: naiveMatmul },
  blocked: { tile: BLOCKED_TILE, make: blockedMatmul },
  tiled: { tile: TILED_TILE, make: tiledMatmul },
};

/**
 * The strategy `auto` uses. On a CPU Vulkan driver (lavapipe, SwiftShader) bench/kernels.ts
 * measured the register-blocked kernel fastest at every size but the tiniest, where a single
 * naive workgroup finishes first; workgroup-memory tiling loses everywhere (barriers are
 * expensive on CPUs). On a hardware GPU we have not measured: tiling is the textbook winner for
 * big products there, so it is the default for large shapes.
 */
export function autoStrategy(d: MatmulDesc, cpuAdapter: boolean): MatmulStrategy {
  const work = d.m * d.n; // outputs per batch entry
  if (work <= 64) return 'naive';
  if (cpuAdapter) return 'blocked';
  return d.m >= 256 && d.n >= 256 ? 'tiled' : 'blocked';
}

export function matmulVariant(d: MatmulDesc): MatmulVariant {
  return {
    transA: d.transA,
    transB: d.transB,
    aVec: d.transA && d.m % 4 === 0 && d.aBatchStride % 4 === 0,
    bVec: !d.transB && d.n % 4 === 0 && d.bBatchStride % 4 === 0,
    outVec: d.n % 4 === 0,
    bias: d.bias !== undefined,
    activation: d.activation ?? 'none',
  };
}

export function encodeMatmul(rt: Runtime, a: WebGPUBuf, b: WebGPUBuf, out: WebGPUBuf, d: MatmulDesc, strategy: MatmulStrategy, bias?: WebGPUBuf): void {
  const { m, n, k, batch } = d;
  if (![m, n, k, batch].every((x) => Number.isInteger(x) && x >= 0)) throw new Error(`matmul: bad sizes m=${m} n=${n} k=${k} batch=${batch}`);
  if (out.size < batch * m * n) throw new Error(`matmul: output holds ${out.size} elements, needs ${batch * m * n}`);
  if (bias && bias.size < n) throw new Error(`matmul: bias holds ${bias.size} elements, needs ${n}`);
  if (m === 0 || n === 0 || batch === 0) return;
  const need = (buf: WebGPUBuf, stride: number, rows: number, name: string): void => {
    const last = (batch - 1) * stride + rows * k;
    if (buf.size < last) throw new Error(`matmul: ${name} holds ${buf.size} elements, needs ${last}`);
  };
  need(a, d.aBatchStride, m, 'A');
  need(b, d.bBatchStride, n, 'B');

  const v = matmulVariant(d);
  const gen = GENERATORS[strategy];
  const kernel = rt.variant(variantKey(strategy, v), () => gen.make(v));
  const gx = Math.ceil(n / gen.tile), gy = Math.ceil(m / gen.tile);
  if (gx > MAX_WORKGROUPS_PER_DIM || gy > MAX_WORKGROUPS_PER_DIM) throw new Error(`matmul: ${m}×${n} output needs too many workgroups`);
  const buffers = bias ? [a.gpuBuffer, b.gpuBuffer, bias.gpuBuffer, out.gpuBuffer] : [a.gpuBuffer, b.gpuBuffer, out.gpuBuffer];
  for (let first = 0; first < batch; first += MAX_WORKGROUPS_PER_DIM) {
    const count = Math.min(MAX_WORKGROUPS_PER_DIM, batch - first);
    const params = { M: m, N: n, K: k, aStride: d.aBatchStride, bStride: d.bBatchStride, batchOffset: first };
    rt.dispatch(kernel, params, buffers, [gx, gy, count]);
  }
}
