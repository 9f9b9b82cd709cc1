// Elementwise map without the reference's per-element odometer: the output is walked row by row
// (its last axis), each input read along the row with its own stride (1, or 0 when broadcast),
// and only the row starts advance through the leading axes. When every input covers the whole
// output or is one scalar — most calls in a training step — it is one flat loop.
// The same op function from the table computes each value, in the same order, as the reference.
import type { MapInput, Shape } from '../backend.js';
import { asCpu, type CpuBuf } from '../cpu/cpu-buffer.js';
import { MAP_OPS, type MapOp } from '../elementwise.js';
import { broadcastStrides, sizeOf } from '../layout.js';

type Arr = CpuBuf['data'];
type Fn = (x: number, y: number, z: number, p: number) => number;
const NONE = new Float32Array(1);

export function fastMap(op: MapOp, inputs: readonly MapInput[], out: CpuBuf, outShape: Shape, param = 0): void {
  const f: Fn = MAP_OPS[op].cpu;
  const n = sizeOf(outShape);
  const o = out.data;
  const x = asCpu(inputs[0]!.buf).data;
  const y = inputs[1] ? asCpu(inputs[1].buf).data : NONE;
  const z = inputs[2] ? asCpu(inputs[2].buf).data : NONE;
  const lens = inputs.map((i) => sizeOf(i.shape));
  if (lens.every((len) => len === n || len === 1)) {
    flat(f, o, n, x, lens[0] === n ? 1 : 0, y, lens[1] === n ? 1 : 0, z, lens[2] === n ? 1 : 0, param);
    return;
  }
  const rank = outShape.length;
  const strides = inputs.map((i) => broadcastStrides(i.shape, outShape));
  while (strides.length < 3) strides.push(new Array<number>(rank).fill(0));
  const [sx, sy, sz] = strides as [number[], number[], number[]];
  const row = outShape[rank - 1]!;
  const idx = new Array<number>(rank).fill(0);
  let ox = 0,
    oy = 0,
    oz = 0;
  for (let start = 0; start < n; start += row) {
    rowLoop(f, o, start, row, x, ox, sx[rank - 1]!, y, oy, sy[rank - 1]!, z, oz, sz[rank - 1]!, param);
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

/** o[i] = f(x[i·sx], y[i·sy], z[i·sz]) for i < n, where each stride is 1 or 0. */
function flat(f: Fn, o: Arr, n: number, x: Arr, sx: number, y: Arr, sy: number, z: Arr, sz: number, p: number): void {
  if (sx === 1 && sy === 1 && sz === 1) for (let i = 0; i < n; i++) o[i] = f(x[i]!, y[i]!, z[i]!, p);
  else if (sx === 1 && sy === 1 && sz === 0) for (let i = 0; i < n; i++) o[i] = f(x[i]!, y[i]!, z[0]!, p);
  else if (sx === 1 && sy === 0 && sz === 0) for (let i = 0; i < n; i++) o[i] = f(x[i]!, y[0]!, z[0]!, p);
  else rowLoop(f, o, 0, n, x, 0, sx, y, 0, sy, z, 0, sz, p);
}

function rowLoop(
  f: Fn,
  o: Arr,
  at: number,
  n: number,
  x: Arr,
  ox: number,
  sx: number,
  y: Arr,
  oy: number,
  sy: number,
  z: Arr,
  oz: number,
  sz: number,
  p: number,
): void {
  for (let i = 0; i < n; i++, ox += sx, oy += sy, oz += sz) o[at + i] = f(x[ox]!, y[oy]!, z[oz]!, p);
}
