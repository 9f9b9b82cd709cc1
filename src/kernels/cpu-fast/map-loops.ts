// Row loops of their own for the ops a training step runs most. V8 inlines a function into a
// loop only where that call site has seen one function; map.ts's shared loop calls every op of
// the table, so each element costs a call and a boxed double (~8 ns here, against ~1.5 ns
// inlined). Each loop below is its own function literal calling one op of the table — so its
// call site sees one function, and the op's maths still lives only in the table. An op missing
// here runs the shared loop: the same values, slower.
import type { CpuBuf } from '../cpu/cpu-buffer.js';
import { MAP_OPS, type MapOp, type MapOpDef } from '../elementwise.js';

type Arr = CpuBuf['data'];

/** o[at + i] = op(x[ox + i·sx], y[oy + i·sy], z[oz + i·sz], p) for i < n. */
export type RowLoop = (
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
) => void;

const fn = (op: MapOp): MapOpDef['cpu'] => MAP_OPS[op].cpu;
const identity = fn('identity'),
  neg = fn('neg'),
  exp = fn('exp'),
  log = fn('log'),
  square = fn('square'),
  relu = fn('relu'),
  sigmoid = fn('sigmoid'),
  softplus = fn('softplus'),
  addScalar = fn('addScalar'),
  mulScalar = fn('mulScalar'),
  rsubScalar = fn('rsubScalar'),
  add = fn('add'),
  sub = fn('sub'),
  mul = fn('mul'),
  div = fn('div'),
  gt = fn('gt'),
  bceWithLogits = fn('bceWithLogits'),
  where = fn('where');

export const ROW_LOOPS: Partial<Record<MapOp, RowLoop>> = {
  identity: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = identity(x[ox]!, 0, 0, p);
  },
  neg: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = neg(x[ox]!, 0, 0, p);
  },
  exp: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = exp(x[ox]!, 0, 0, p);
  },
  log: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = log(x[ox]!, 0, 0, p);
  },
  square: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = square(x[ox]!, 0, 0, p);
  },
  relu: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = relu(x[ox]!, 0, 0, p);
  },
  sigmoid: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = sigmoid(x[ox]!, 0, 0, p);
  },
  softplus: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = softplus(x[ox]!, 0, 0, p);
  },
  addScalar: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = addScalar(x[ox]!, 0, 0, p);
  },
  mulScalar: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = mulScalar(x[ox]!, 0, 0, p);
  },
  rsubScalar: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = rsubScalar(x[ox]!, 0, 0, p);
  },
  add: (o, at, n, x, ox, sx, y, oy, sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy) o[at + i] = add(x[ox]!, y[oy]!, 0, p);
  },
  sub: (o, at, n, x, ox, sx, y, oy, sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy) o[at + i] = sub(x[ox]!, y[oy]!, 0, p);
  },
  mul: (o, at, n, x, ox, sx, y, oy, sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy) o[at + i] = mul(x[ox]!, y[oy]!, 0, p);
  },
  div: (o, at, n, x, ox, sx, y, oy, sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy) o[at + i] = div(x[ox]!, y[oy]!, 0, p);
  },
  gt: (o, at, n, x, ox, sx, y, oy, sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy) o[at + i] = gt(x[ox]!, y[oy]!, 0, p);
  },
  bceWithLogits: (o, at, n, x, ox, sx, y, oy, sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy) o[at + i] = bceWithLogits(x[ox]!, y[oy]!, 0, p);
  },
  where: (o, at, n, x, ox, sx, y, oy, sy, z, oz, sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy, oz += sz) o[at + i] = where(x[ox]!, y[oy]!, z[oz]!, p);
  },
};

/** The shared loop, for every other op: the same values through a call per element. */
export function sharedRowLoop(
  f: MapOpDef['cpu'],
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
