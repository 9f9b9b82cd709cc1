// Reference matmul: the textbook triple loop, with transposes read through index arithmetic,
// then the optional bias + activation epilogue. Accumulates in float64.
import type { Activation, MatmulDesc } from '../backend.js';
import { asCpu, type CpuBuf } from './cpu-buffer.js';

export function applyActivation(v: number, act: Activation): number {
  switch (act) {
    case 'none':
      return v;
    case 'relu':
      return v <= 0 ? 0 : v;
    case 'sigmoid':
      return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
    case 'tanh':
      return Math.tanh(v);
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
