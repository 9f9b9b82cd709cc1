// Elementwise map with broadcasting: walk the output index by index, carrying one read offset
// per input (odometer style), so broadcast inputs are never expanded in memory.
import type { MapInput, Shape } from '../backend.js';
import { MAP_OPS, type MapOp } from '../elementwise.js';
import { broadcastStrides, sizeOf } from '../layout.js';
import { asCpu, type CpuBuf } from './cpu-buffer.js';

export function cpuMap(op: MapOp, inputs: readonly MapInput[], out: CpuBuf, outShape: Shape, param = 0): void {
  const f = MAP_OPS[op].cpu;
  const srcs = inputs.map((i) => asCpu(i.buf).data);
  const strides = inputs.map((i) => broadcastStrides(i.shape, outShape));
  const rank = outShape.length;
  const n = sizeOf(outShape);
  const idx = new Array<number>(rank).fill(0);
  const off = new Array<number>(inputs.length).fill(0);
  const [x, y, z] = srcs;
  if (!x) throw new Error(`internal: ${op} got no inputs`);
  const o = out.data;
  // every index below is in bounds by construction (d < rank, j < inputs, offsets inside the inputs)
  for (let i = 0; i < n; i++) {
    o[i] = f(x[off[0]!]!, y ? y[off[1]!]! : 0, z ? z[off[2]!]! : 0, param);
    // advance the odometer: bump the last axis, carry into earlier ones
    for (let d = rank - 1; d >= 0; d--) {
      const len = outShape[d]!;
      for (let j = 0; j < off.length; j++) off[j]! += strides[j]![d]!;
      if (++idx[d]! < len) break;
      for (let j = 0; j < off.length; j++) off[j]! -= strides[j]![d]! * len;
      idx[d] = 0;
    }
  }
}
