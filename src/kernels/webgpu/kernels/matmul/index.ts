// matmul: pick a strategy, derive the variant the layout allows, dispatch over
// (column tiles, row tiles, batch). Batches beyond 65535 are split over several dispatches.
import type { MatmulDesc } from '../../../backend.js';
import type { WebGPUBuf } from '../../buffer.js';
import { MAX_WORKGROUPS_PER_DIM } from '../../grid.js';
import type { KernelSpec, Runtime } from '../../runtime.js';
import { blockedConfigFor, blockedMatmul, blockedTile, configName } from './blocked.js';
import { ACTIVATION_CODE, variantKey, type MatmulStrategy, type MatmulVariant } from './common.js';
import { NAIVE_TILE, naiveMatmul } from './naive.js';
import { TILED_TILE, tiledMatmul } from './tiled.js';

export type { MatmulStrategy } from './common.js';
export type MatmulStrategyChoice = MatmulStrategy | 'auto';

interface Plan {
  key: string;
  rows: number; // output rows per workgroup
  cols: number; // output columns per workgroup
  make: () => KernelSpec;
}

/** The kernel (variant key + generator) and workgroup tile for a strategy and shape. */
function plan(strategy: MatmulStrategy, v: MatmulVariant, d: MatmulDesc): Plan {
  const key = variantKey(strategy, v);
  switch (strategy) {
    case 'naive':
      return { key, rows: NAIVE_TILE, cols: NAIVE_TILE, make: () => naiveMatmul(v) };
    case 'tiled':
      return { key, rows: TILED_TILE, cols: TILED_TILE, make: () => tiledMatmul(v) };
    case 'blocked': {
      const cfg = blockedConfigFor(d.n);
      return { key: `${key}|${configName(cfg)}`, ...blockedTile(cfg), make: () => blockedMatmul(v, cfg) };
    }
  }
}

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
  };
}

export function encodeMatmul(
  rt: Runtime,
  a: WebGPUBuf,
  b: WebGPUBuf,
  out: WebGPUBuf,
  d: MatmulDesc,
  strategy: MatmulStrategy,
  bias: WebGPUBuf | undefined,
  /** Bound in the bias slot when there is no bias (never read). */
  dummy: WebGPUBuf,
): void {
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
  const p = plan(strategy, v, d);
  const kernel = rt.variant(p.key, p.make);
  const gx = Math.ceil(n / p.cols), gy = Math.ceil(m / p.rows);
  if (gx > MAX_WORKGROUPS_PER_DIM || gy > MAX_WORKGROUPS_PER_DIM) throw new Error(`matmul: ${m}×${n} output needs too many workgroups`);
  const buffers = [a.gpuBuffer, b.gpuBuffer, (bias ?? dummy).gpuBuffer, out.gpuBuffer];
  const epilogue = { hasBias: bias ? 1 : 0, act: ACTIVATION_CODE[d.activation ?? 'none'] };
  for (let first = 0; first < batch; first += MAX_WORKGROUPS_PER_DIM) {
    const count = Math.min(MAX_WORKGROUPS_PER_DIM, batch - first);
    const params = { M: m, N: n, K: k, aStride: d.aBatchStride, bStride: d.bBatchStride, batchOffset: first, ...epilogue };
    rt.dispatch(kernel, params, buffers, [gx, gy, count]);
  }
}
