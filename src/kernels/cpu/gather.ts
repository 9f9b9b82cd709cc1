// gather and scatterAdd along one axis (see GatherDesc): walk the positions c of desc.shape
// odometer-style, carrying two offsets — the indexed tensor's offset without the axis, and the
// index's offset — then step along the axis by the index value.
import type { GatherDesc } from '../backend.js';
import { contiguousStrides, sizeOf } from '../layout.js';
import type { CpuBuf } from './cpu-buffer.js';

/** Calls visit(position, offset in x without the axis, index value) for every position of desc.shape. */
function walk(desc: GatherDesc, index: CpuBuf, visit: (pos: number, xBase: number, i: number) => void): void {
  const { shape, axis, indexStrides } = desc;
  const xStrides = contiguousStrides(desc.xShape);
  const rank = shape.length;
  const n = sizeOf(shape);
  const idx = new Array<number>(rank).fill(0);
  const ix = index.data;
  let xBase = 0;
  let iOff = 0;
  for (let pos = 0; pos < n; pos++) {
    visit(pos, xBase, ix[iOff] ?? -1);
    for (let d = rank - 1; d >= 0; d--) {
      const dim = shape[d] ?? 1;
      const xs = d === axis ? 0 : (xStrides[d] ?? 0);
      const is = indexStrides[d] ?? 0;
      idx[d] = (idx[d] ?? 0) + 1;
      xBase += xs;
      iOff += is;
      if ((idx[d] ?? 0) < dim) break;
      xBase -= xs * dim;
      iOff -= is * dim;
      idx[d] = 0;
    }
  }
}

export function cpuGather(x: CpuBuf, index: CpuBuf, out: CpuBuf, desc: GatherDesc): void {
  const limit = desc.xShape[desc.axis] ?? 0;
  const step = contiguousStrides(desc.xShape)[desc.axis] ?? 0;
  const src = x.data;
  const o = out.data;
  walk(desc, index, (pos, xBase, i) => {
    o[pos] = i >= 0 && i < limit ? (src[xBase + i * step] ?? 0) : 0;
  });
}

export function cpuScatterAdd(src: CpuBuf, index: CpuBuf, out: CpuBuf, desc: GatherDesc): void {
  const limit = desc.xShape[desc.axis] ?? 0;
  const step = contiguousStrides(desc.xShape)[desc.axis] ?? 0;
  // accumulate in float64, in position order (the WebGPU kernel adds in the same order)
  const acc = new Float64Array(out.size);
  const s = src.data;
  walk(desc, index, (pos, xBase, i) => {
    if (i >= 0 && i < limit) acc[xBase + i * step] = (acc[xBase + i * step] ?? 0) + (s[pos] ?? 0);
  });
  out.data.set(acc);
}
