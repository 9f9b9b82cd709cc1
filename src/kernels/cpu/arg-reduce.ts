// argmax / argmin along one axis: the first position of the extreme value; a NaN beats every
// number, so the first NaN's position wins (PyTorch's rule, consistent with max/min propagating NaN).
import type { ArgReduceOp, Shape } from '../backend.js';
import { sizeOf } from '../layout.js';
import type { CpuBuf } from './cpu-buffer.js';

export function cpuArgReduce(op: ArgReduceOp, x: CpuBuf, inShape: Shape, axis: number, out: CpuBuf): void {
  const n = inShape[axis] ?? 1;
  const inner = sizeOf(inShape.slice(axis + 1));
  const outer = sizeOf(inShape.slice(0, axis));
  const src = x.data;
  const o = out.data;
  for (let a = 0; a < outer; a++) {
    for (let b = 0; b < inner; b++) {
      const base = a * n * inner + b;
      let best = src[base] ?? 0;
      let at = 0;
      for (let m = 1; m < n && best === best; m++) {
        const v = src[base + m * inner] ?? 0;
        if (v !== v || (op === 'argmax' ? v > best : v < best)) {
          best = v;
          at = m;
        }
      }
      o[a * inner + b] = at;
    }
  }
}
