// matmul: pick a strategy, derive the variant the layout allows, dispatch over
// (column tiles, row tiles, batch). Batches beyond 65535 are split over several dispatches.
import type { MatmulDesc } from '../../../backend.js';
import type { WebGPUBuf } from '../../buffer.js';
import { MAX_WORKGROUPS_PER_DIM } from '../../grid.js';
import type { KernelSpec, Runtime } from '../../runtime.js';
import { type BlockedConfig, blockedConfigFor, blockedMatmul, blockedTile, configName } from './blocked.js';
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
function plan(strategy: MatmulStrategy, v: MatmulVariant, d: MatmulDesc, tuned?: BlockedConfig): Plan {
  const key = variantKey(strategy, v);
  switch (strategy) {
    case 'naive':
      return { key, rows: NAIVE_TILE, cols: NAIVE_TILE, make: () => naiveMatmul(v) };
    case 'tiled':
      return { key, rows: TILED_TILE, cols: TILED_TILE, make: () => tiledMatmul(v) };
    case 'blocked': {
      const cfg = tuned ?? blockedConfigFor(d.n);
      return { key: `${key}|${configName(cfg)}`, ...blockedTile(cfg), make: () => blockedMatmul(v, cfg) };
    }
  }
}

/**
 * The strategy `auto` uses, from measurements on lavapipe (median device time over 4³ … 128³,
 * the VAE shapes, and M or N = 1; bench/kernels.ts shows the small and degenerate cases too):
 *  - matrix-vector products (N ≤ 2) and tiny outputs: naive. A blocked invocation computes
 *    8 × 8+ outputs, nearly all wasted there (128×400·400×1: naive 0.31 ms, blocked 0.50 ms);
 *  - everything else on a CPU driver (lavapipe, SwiftShader): register-blocked, 2–10× the
 *    naive kernel from 32³ up; workgroup-memory tiling loses everywhere there (barriers are
 *    expensive on CPUs: 1×400·400×784 takes it 25 ms against 0.8 ms blocked);
 *  - on a hardware GPU (not measured here), tiling is the textbook winner for big products, so
 *    it takes the large shapes and blocked the rest.
 */
export function autoStrategy(d: MatmulDesc, cpuAdapter: boolean): MatmulStrategy {
  if (d.n <= 2 || d.m * d.n <= 64) return 'naive';
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
  /** op(A)'s row sums, when wanted (MatmulDesc.rowSums). */
  rowSums: WebGPUBuf | undefined,
  /** Bound in the row-sums slot when there are none (never written): not `dummy`, which is bound read-only. */
  dummyRw: WebGPUBuf,
  /** The blocked configuration autotuning picked for this shape (else the default by N). */
  tuned?: BlockedConfig,
): void {
  const { m, n, k, batch } = d;
  if (![m, n, k, batch].every((x) => Number.isInteger(x) && x >= 0))
    throw new Error(`matmul: bad sizes m=${m} n=${n} k=${k} batch=${batch}`);
  if (out.size < batch * m * n) throw new Error(`matmul: output holds ${out.size} elements, needs ${batch * m * n}`);
  if (bias && bias.size < n) throw new Error(`matmul: bias holds ${bias.size} elements, needs ${n}`);
  if (rowSums && batch !== 1) throw new Error(`matmul: rowSums needs batch 1, got ${batch}`);
  if (rowSums && rowSums.size < m) throw new Error(`matmul: rowSums holds ${rowSums.size} elements, needs ${m}`);
  if (m === 0 || n === 0 || batch === 0) return;
  const need = (buf: WebGPUBuf, stride: number, rows: number, name: string): void => {
    const last = (batch - 1) * stride + rows * k;
    if (buf.size < last) throw new Error(`matmul: ${name} holds ${buf.size} elements, needs ${last}`);
  };
  need(a, d.aBatchStride, m, 'A');
  need(b, d.bBatchStride, n, 'B');

  const v = matmulVariant(d);
  const p = plan(strategy, v, d, tuned);
  const kernel = rt.variant(p.key, p.make);
  const gx = Math.ceil(n / p.cols),
    gy = Math.ceil(m / p.rows);
  if (gx > MAX_WORKGROUPS_PER_DIM || gy > MAX_WORKGROUPS_PER_DIM)
    throw new Error(`matmul: ${m}×${n} output needs too many workgroups`);
  const buffers = [a.binding, b.binding, (bias ?? dummy).binding, out.binding, (rowSums ?? dummyRw).binding];
  const epilogue = { hasBias: bias ? 1 : 0, act: ACTIVATION_CODE[d.activation ?? 'none'], hasRowSums: rowSums ? 1 : 0 };
  const label = rt.profiling ? matmulLabel(strategy, d, !!bias, !!rowSums) : undefined;
  for (let first = 0; first < batch; first += MAX_WORKGROUPS_PER_DIM) {
    const count = Math.min(MAX_WORKGROUPS_PER_DIM, batch - first);
    const params = {
      M: m,
      N: n,
      K: k,
      aStride: d.aBatchStride,
      bStride: d.bBatchStride,
      batchOffset: first,
      ...epilogue,
    };
    rt.dispatch(kernel, params, buffers, [gx, gy, count], label);
  }
}

/** "matmul blocked NT bias+relu 128×784·784×400" (op(A) is M×K, op(B) K×N): a profile's row. */
export function matmulLabel(strategy: MatmulStrategy, d: MatmulDesc, bias: boolean, rowSums = false): string {
  const t = `${d.transA ? 'T' : 'N'}${d.transB ? 'T' : 'N'}`;
  const act = d.activation && d.activation !== 'none' ? d.activation : '';
  const epi = [bias ? 'bias' : '', act, rowSums ? 'rowsums' : ''].filter(Boolean).join('+');
  const batch = d.batch > 1 ? `${d.batch}×` : '';
  return `matmul ${strategy} ${t}${epi ? ` ${epi}` : ''} ${batch}${d.m}×${d.k}·${d.k}×${d.n}`;
}
