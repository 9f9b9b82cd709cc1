// Reduce any set of axes: every input element adds (or max/min-es) into the output element
// whose index is its own with the reduced axes dropped.
import type { ReduceOp, Shape } from '../backend.js';
import { contiguousStrides, sizeOf } from '../layout.js';
import { MAP_OPS, type MapOp, type MapOpDef } from '../elementwise.js';
import { CpuBuf } from './cpu-buffer.js';

export function cpuReduce(op: ReduceOp, x: CpuBuf, inShape: Shape, axes: readonly number[], out: CpuBuf): void {
  const reduced = new Set(axes);
  // stride of each input axis in the output (0 for reduced axes)
  const keptShape = inShape.filter((_, i) => !reduced.has(i));
  const keptStrides = contiguousStrides(keptShape);
  let kept = 0;
  const outStride = inShape.map((_, i) => (reduced.has(i) ? 0 : keptStrides[kept++]!));

  const acc = new Float64Array(out.size).fill(op === 'sum' ? 0 : op === 'max' ? -Infinity : Infinity);
  const src = x.data;
  const n = sizeOf(inShape);
  const rank = inShape.length;
  const idx = new Array<number>(rank).fill(0);
  let o = 0;
  // every index below is in bounds by construction (d < rank, o inside the output)
  for (let i = 0; i < n; i++) {
    const v = src[i]!;
    const a = acc[o]!;
    if (op === 'sum') acc[o] = a + v;
    else if (v !== v || a !== a) acc[o] = NaN;
    else if (op === 'max' ? v > a : v < a) acc[o] = v;
    for (let d = rank - 1; d >= 0; d--) {
      const len = inShape[d]!,
        stride = outStride[d]!;
      o += stride;
      if (++idx[d]! < len) break;
      o -= stride * len;
      idx[d] = 0;
    }
  }
  out.data.set(acc);
}

/** out = scale · Σ over `axes` of op(inputs) for same-shape inputs: the terms stay in float64. */
export function cpuMapSum(
  op: MapOp,
  inputs: readonly CpuBuf[],
  inShape: Shape,
  axes: readonly number[],
  out: CpuBuf,
  param: number,
  scale: number,
): void {
  const f: MapOpDef['cpu'] = MAP_OPS[op].cpu;
  const [x, y, z] = inputs.map((b) => b.data);
  if (!x) throw new Error(`internal: mapSum ${op} got no inputs`);
  const n = sizeOf(inShape);
  const terms = new Float64Array(n);
  // every index is in bounds: the inputs hold the n elements of inShape
  for (let i = 0; i < n; i++) terms[i] = f(x[i]!, y ? y[i]! : 0, z ? z[i]! : 0, param);
  const sums = new CpuBuf(new Float64Array(out.size), 'float64');
  cpuReduce('sum', new CpuBuf(terms, 'float64'), inShape, axes, sums);
  for (let i = 0; i < out.size; i++) out.data[i] = sums.data[i]! * scale;
}
