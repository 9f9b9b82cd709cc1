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
  for (let i = 0; i < n; i++) {
    b[t] = a[s];
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      s += from.strides[d];
      t += to.strides[d];
      if (idx[d] < shape[d]) break;
      s -= from.strides[d] * shape[d];
      t -= to.strides[d] * shape[d];
      idx[d] = 0;
    }
  }
}
