// Reductions over one contiguous run of axes: view the input as [outer, reduced, inner] and fold
// the middle, so row sums, column sums and bias gradients are three plain nested loops.
// Each output folds its values in the same order and in float64, as the reference does, so the
// results are identical. Other axis sets (non-adjacent) go to the reference.
import type { ReduceOp, Shape } from '../backend.js';
import type { CpuBuf } from '../cpu/cpu-buffer.js';
import { sizeOf } from '../layout.js';

/** True when done; false when the axes are not one contiguous run (the caller uses the reference). */
export function fastReduce(op: ReduceOp, x: CpuBuf, inShape: Shape, axes: readonly number[], out: CpuBuf): boolean {
  const sorted = [...axes].sort((a, b) => a - b);
  const first = sorted[0]!,
    last = sorted[sorted.length - 1]!;
  if (last - first + 1 !== sorted.length) return false;
  const outer = sizeOf(inShape.slice(0, first));
  const reduced = sizeOf(inShape.slice(first, last + 1));
  const inner = sizeOf(inShape.slice(last + 1));
  const src = x.data,
    dst = out.data;
  const acc = new Float64Array(inner);
  for (let a = 0; a < outer; a++) {
    const base = a * reduced * inner;
    if (op === 'sum' && inner === 1) {
      // a row sum: one running total
      let s = 0;
      for (let r = 0; r < reduced; r++) s += src[base + r]!;
      dst[a] = s;
      continue;
    }
    if (op === 'sum') {
      acc.fill(0);
      for (let r = 0; r < reduced; r++) {
        const row = base + r * inner;
        for (let b = 0; b < inner; b++) acc[b]! += src[row + b]!;
      }
    } else {
      acc.fill(op === 'max' ? -Infinity : Infinity);
      const isMax = op === 'max';
      for (let r = 0; r < reduced; r++) {
        const row = base + r * inner;
        for (let b = 0; b < inner; b++) {
          const v = src[row + b]!,
            cur = acc[b]!;
          // NaN wins, as in the reference
          if (v !== v || cur !== cur) acc[b] = NaN;
          else if (isMax ? v > cur : v < cur) acc[b] = v;
        }
      }
    }
    dst.set(acc, a * inner);
  }
  return true;
}
