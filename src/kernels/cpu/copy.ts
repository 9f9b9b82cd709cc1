// Strided copy: the one primitive behind transpose/permute, slice, concat and broadcast-expand.
import type { Layout, Shape } from '../backend.js';
import { sizeOf } from '../layout.js';
import type { CpuBuf } from './cpu-buffer.js';

export function cpuCopy(src: CpuBuf, from: Layout, dst: CpuBuf, to: Layout, shape: Shape): void {
  const n = sizeOf(shape);
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  let s = from.offset,
    t = to.offset;
  const a = src.data,
    b = dst.data;
  // every index below is in bounds by construction (d < rank, s and t inside the layouts)
  for (let i = 0; i < n; i++) {
    b[t] = a[s]!;
    for (let d = rank - 1; d >= 0; d--) {
      const len = shape[d]!,
        fs = from.strides[d]!,
        ts = to.strides[d]!;
      s += fs;
      t += ts;
      if (++idx[d]! < len) break;
      s -= fs * len;
      t -= ts * len;
      idx[d] = 0;
    }
  }
}
