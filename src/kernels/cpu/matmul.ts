// Reference matmul: the textbook triple loop, with transposes read through index arithmetic,
// then the optional bias + activation epilogue (the activation's row of the elementwise table).
// Accumulates in float64.
import type { Activation, MatmulDesc } from '../backend.js';
import { MAP_OPS, type MapOpDef } from '../elementwise.js';
import { asCpu, type CpuBuf } from './cpu-buffer.js';

/** The activation's row of the elementwise table (the same formula the WGSL epilogue uses). */
export function applyActivation(v: number, act: Activation): number {
  if (act === 'none') return v;
  const row: MapOpDef = MAP_OPS[act];
  return row.cpu(v, 0, 0, 0);
}

/** MatmulDesc.rowSums: rowSums[i] = Σ_p op(A)[i][p] (batch 1), accumulated in float64. */
export function cpuRowSums(aBuf: CpuBuf, d: MatmulDesc): void {
  if (!d.rowSums) return;
  if (d.batch !== 1) throw new Error(`matmul: rowSums needs batch 1, got ${d.batch}`);
  const a = aBuf.data;
  const rs = asCpu(d.rowSums).data;
  const [aRow, aCol] = d.transA ? [1, d.m] : [d.k, 1];
  for (let i = 0; i < d.m; i++) {
    let s = 0;
    for (let p = 0; p < d.k; p++) s += a[i * aRow + p * aCol]!; // in bounds: the shapes were checked
    rs[i] = s;
  }
}

export function cpuMatmul(aBuf: CpuBuf, bBuf: CpuBuf, out: CpuBuf, d: MatmulDesc): void {
  const a = aBuf.data,
    b = bBuf.data,
    o = out.data;
  const bias = d.bias ? asCpu(d.bias).data : undefined;
  const act = d.activation ?? 'none';
  const { m, n, k } = d;
  // element (i, p) of op(A) and (p, j) of op(B), as offsets into the stored matrices
  const aRow = d.transA ? 1 : k,
    aCol = d.transA ? m : 1;
  const bRow = d.transB ? 1 : n,
    bCol = d.transB ? k : 1;
  if (d.rowSums) cpuRowSums(aBuf, d);
  const acc = new Float64Array(n);
  // every index below is in bounds by construction (the shapes were checked by the op)
  for (let batch = 0; batch < d.batch; batch++) {
    const aBase = batch * d.aBatchStride,
      bBase = batch * d.bBatchStride,
      oBase = batch * m * n;
    for (let i = 0; i < m; i++) {
      acc.fill(0);
      if (d.transB) {
        // B stored N×K: each output is a dot product of A's row i with B's row j
        for (let j = 0; j < n; j++) {
          let sum = 0;
          for (let p = 0; p < k; p++) sum += a[aBase + i * aRow + p * aCol]! * b[bBase + j * bCol + p]!;
          acc[j] = sum;
        }
      } else {
        // B stored K×N: add A[i,p] times B's row p into the output row (reads B row by row)
        for (let p = 0; p < k; p++) {
          const aip = a[aBase + i * aRow + p * aCol]!;
          const row = bBase + p * bRow;
          for (let j = 0; j < n; j++) acc[j]! += aip * b[row + j]!;
        }
      }
      for (let j = 0; j < n; j++) o[oBase + i * n + j] = applyActivation(acc[j]! + (bias ? bias[j]! : 0), act);
    }
  }
}
