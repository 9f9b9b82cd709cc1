// Elementwise map without the reference's per-element odometer: the output is walked row by row
// (its last axis), each input read along the row with its own stride (1, or 0 when broadcast),
// and only the row starts advance through the leading axes. When every input covers the whole
// output or is one scalar — most calls in a training step — the whole output is one row.
// The same op function from the table computes each value, in the same order, as the reference;
// every op runs a loop of its own (map-loops.ts) so V8 can inline the op.
import type { MapInput, Shape } from '../backend.js';
import { asCpu, type CpuBuf } from '../cpu/cpu-buffer.js';
import { MAP_OPS, type MapOp } from '../elementwise.js';
import { broadcastStrides, sizeOf } from '../layout.js';
import { ROW_LOOPS, type RowLoop, sharedRowLoop } from './map-loops.js';

const NONE = new Float32Array(1); // stands in for a missing input (read as 0, as the reference does)

export function fastMap(op: MapOp, inputs: readonly MapInput[], out: CpuBuf, outShape: Shape, param = 0): void {
  const f = MAP_OPS[op].cpu;
  const row: RowLoop = ROW_LOOPS[op] ?? ((...args) => sharedRowLoop(f, ...args));
  const n = sizeOf(outShape);
  const o = out.data;
  const x = asCpu(inputs[0]!.buf).data;
  const y = inputs[1] ? asCpu(inputs[1].buf).data : NONE;
  const z = inputs[2] ? asCpu(inputs[2].buf).data : NONE;
  const lens = inputs.map((i) => sizeOf(i.shape));
  if (lens.every((len) => len === n || len === 1)) {
    const s = (k: number): number => (lens[k] === n ? 1 : 0);
    row(o, 0, n, x, 0, s(0), y, 0, s(1), z, 0, s(2), param);
    return;
  }
  const rank = outShape.length;
  const strides = inputs.map((i) => broadcastStrides(i.shape, outShape));
  while (strides.length < 3) strides.push(new Array<number>(rank).fill(0));
  const [sx, sy, sz] = strides as [number[], number[], number[]];
  const last = outShape[rank - 1]!;
  const idx = new Array<number>(rank).fill(0);
  let ox = 0,
    oy = 0,
    oz = 0;
  for (let start = 0; start < n; start += last) {
    row(o, start, last, x, ox, sx[rank - 1]!, y, oy, sy[rank - 1]!, z, oz, sz[rank - 1]!, param);
    // advance the row starts through the leading axes (odometer over all axes but the last)
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]!++;
      ox += sx[d]!;
      oy += sy[d]!;
      oz += sz[d]!;
      if (idx[d]! < outShape[d]!) break;
      ox -= sx[d]! * outShape[d]!;
      oy -= sy[d]! * outShape[d]!;
      oz -= sz[d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
}
