// MatmulDesc.rowSums beside the WebAssembly product: rowSums[i] = Σ_p op(A)[i][p], in float64 and
// in the order p = 0, 1, … as the reference's cpuRowSums, so the results are bit for bit the same.
// A Linear layer's bias gradient has A transposed (stored K×M): the reference then strides M floats
// per value; here four neighbouring sums advance together, each in a register, so every step
// down the stored rows reads four adjacent floats (~2× faster at the training shapes).
import type { MatmulDesc } from '../backend.js';
import { asCpu } from '../cpu/cpu-buffer.js';

export function fastRowSums(a: Float32Array, d: MatmulDesc): void {
  if (!d.rowSums) return;
  if (d.batch !== 1) throw new Error(`matmul: rowSums needs batch 1, got ${d.batch}`);
  const { m, k } = d;
  const out = asCpu(d.rowSums).data;
  if (!d.transA) {
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let p = 0, at = i * k; p < k; p++) s += a[at + p]!;
      out[i] = s;
    }
    return;
  }
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    let s0 = 0,
      s1 = 0,
      s2 = 0,
      s3 = 0;
    for (let p = 0, at = i; p < k; p++, at += m) {
      s0 += a[at]!;
      s1 += a[at + 1]!;
      s2 += a[at + 2]!;
      s3 += a[at + 3]!;
    }
    out[i] = s0;
    out[i + 1] = s1;
    out[i + 2] = s2;
    out[i + 3] = s3;
  }
  for (; i < m; i++) {
    let s = 0;
    for (let p = 0, at = i; p < k; p++, at += m) s += a[at]!;
    out[i] = s;
  }
}
