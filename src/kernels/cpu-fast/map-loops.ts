// Row loops of their own, one per op of the elementwise table. V8 inlines a function into a loop
// only where that call site has seen one function; a loop shared by every op (sharedRowLoop) pays
// a call and a boxed double per element — ~8 ns here, against ~1.5 ns inlined. So each op gets its
// own function literal, whose call site sees only that op's row: the maths still lives only in the
// table. A row added to the table without a loop here still works, through the shared loop, and
// test/kernels/cpu-fast-elementwise.test.ts names it.
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

const T: Readonly<Record<MapOp, MapOpDef>> = MAP_OPS;

export const ROW_LOOPS: Partial<Record<MapOp, RowLoop>> = {
  identity: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = T.identity.cpu(x[ox]!, 0, 0, p);
  },
  neg: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = T.neg.cpu(x[ox]!, 0, 0, p);
  },
  exp: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = T.exp.cpu(x[ox]!, 0, 0, p);
  },
  log: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = T.log.cpu(x[ox]!, 0, 0, p);
  },
  log1p: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = T.log1p.cpu(x[ox]!, 0, 0, p);
  },
  sqrt: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = T.sqrt.cpu(x[ox]!, 0, 0, p);
  },
  square: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = T.square.cpu(x[ox]!, 0, 0, p);
  },
  abs: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = T.abs.cpu(x[ox]!, 0, 0, p);
  },
  sign: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = T.sign.cpu(x[ox]!, 0, 0, p);
  },
  relu: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = T.relu.cpu(x[ox]!, 0, 0, p);
  },
  sigmoid: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = T.sigmoid.cpu(x[ox]!, 0, 0, p);
  },
  tanh: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = T.tanh.cpu(x[ox]!, 0, 0, p);
  },
  softplus: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = T.softplus.cpu(x[ox]!, 0, 0, p);
  },
  gelu: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = T.gelu.cpu(x[ox]!, 0, 0, p);
  },
  geluGrad: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = T.geluGrad.cpu(x[ox]!, 0, 0, p);
  },
  silu: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = T.silu.cpu(x[ox]!, 0, 0, p);
  },
  siluGrad: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = T.siluGrad.cpu(x[ox]!, 0, 0, p);
  },
  addScalar: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = T.addScalar.cpu(x[ox]!, 0, 0, p);
  },
  mulScalar: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = T.mulScalar.cpu(x[ox]!, 0, 0, p);
  },
  rsubScalar: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = T.rsubScalar.cpu(x[ox]!, 0, 0, p);
  },
  rdivScalar: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = T.rdivScalar.cpu(x[ox]!, 0, 0, p);
  },
  powScalar: (o, at, n, x, ox, sx, _y, _oy, _sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx) o[at + i] = T.powScalar.cpu(x[ox]!, 0, 0, p);
  },
  add: (o, at, n, x, ox, sx, y, oy, sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy) o[at + i] = T.add.cpu(x[ox]!, y[oy]!, 0, p);
  },
  sub: (o, at, n, x, ox, sx, y, oy, sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy) o[at + i] = T.sub.cpu(x[ox]!, y[oy]!, 0, p);
  },
  mul: (o, at, n, x, ox, sx, y, oy, sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy) o[at + i] = T.mul.cpu(x[ox]!, y[oy]!, 0, p);
  },
  div: (o, at, n, x, ox, sx, y, oy, sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy) o[at + i] = T.div.cpu(x[ox]!, y[oy]!, 0, p);
  },
  maximum: (o, at, n, x, ox, sx, y, oy, sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy) o[at + i] = T.maximum.cpu(x[ox]!, y[oy]!, 0, p);
  },
  minimum: (o, at, n, x, ox, sx, y, oy, sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy) o[at + i] = T.minimum.cpu(x[ox]!, y[oy]!, 0, p);
  },
  gt: (o, at, n, x, ox, sx, y, oy, sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy) o[at + i] = T.gt.cpu(x[ox]!, y[oy]!, 0, p);
  },
  ge: (o, at, n, x, ox, sx, y, oy, sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy) o[at + i] = T.ge.cpu(x[ox]!, y[oy]!, 0, p);
  },
  lt: (o, at, n, x, ox, sx, y, oy, sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy) o[at + i] = T.lt.cpu(x[ox]!, y[oy]!, 0, p);
  },
  le: (o, at, n, x, ox, sx, y, oy, sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy) o[at + i] = T.le.cpu(x[ox]!, y[oy]!, 0, p);
  },
  eq: (o, at, n, x, ox, sx, y, oy, sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy) o[at + i] = T.eq.cpu(x[ox]!, y[oy]!, 0, p);
  },
  ne: (o, at, n, x, ox, sx, y, oy, sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy) o[at + i] = T.ne.cpu(x[ox]!, y[oy]!, 0, p);
  },
  bceWithLogits: (o, at, n, x, ox, sx, y, oy, sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy) o[at + i] = T.bceWithLogits.cpu(x[ox]!, y[oy]!, 0, p);
  },
  reluGrad: (o, at, n, x, ox, sx, y, oy, sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy) o[at + i] = T.reluGrad.cpu(x[ox]!, y[oy]!, 0, p);
  },
  sigmoidGrad: (o, at, n, x, ox, sx, y, oy, sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy) o[at + i] = T.sigmoidGrad.cpu(x[ox]!, y[oy]!, 0, p);
  },
  tanhGrad: (o, at, n, x, ox, sx, y, oy, sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy) o[at + i] = T.tanhGrad.cpu(x[ox]!, y[oy]!, 0, p);
  },
  klStdNormal: (o, at, n, x, ox, sx, y, oy, sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy) o[at + i] = T.klStdNormal.cpu(x[ox]!, y[oy]!, 0, p);
  },
  klStdNormalGradLogvar: (o, at, n, x, ox, sx, y, oy, sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy) o[at + i] = T.klStdNormalGradLogvar.cpu(x[ox]!, y[oy]!, 0, p);
  },
  scaledMul: (o, at, n, x, ox, sx, y, oy, sy, _z, _oz, _sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy) o[at + i] = T.scaledMul.cpu(x[ox]!, y[oy]!, 0, p);
  },
  where: (o, at, n, x, ox, sx, y, oy, sy, z, oz, sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy, oz += sz) o[at + i] = T.where.cpu(x[ox]!, y[oy]!, z[oz]!, p);
  },
  klGaussians: (o, at, n, x, ox, sx, y, oy, sy, z, oz, sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy, oz += sz) o[at + i] = T.klGaussians.cpu(x[ox]!, y[oy]!, z[oz]!, p);
  },
  klGaussiansGradDiff: (o, at, n, x, ox, sx, y, oy, sy, z, oz, sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy, oz += sz)
      o[at + i] = T.klGaussiansGradDiff.cpu(x[ox]!, y[oy]!, z[oz]!, p);
  },
  klGaussiansGradLogvarQ: (o, at, n, x, ox, sx, y, oy, sy, z, oz, sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy, oz += sz)
      o[at + i] = T.klGaussiansGradLogvarQ.cpu(x[ox]!, y[oy]!, z[oz]!, p);
  },
  klGaussiansGradLogvarP: (o, at, n, x, ox, sx, y, oy, sy, z, oz, sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy, oz += sz)
      o[at + i] = T.klGaussiansGradLogvarP.cpu(x[ox]!, y[oy]!, z[oz]!, p);
  },
  reparameterize: (o, at, n, x, ox, sx, y, oy, sy, z, oz, sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy, oz += sz)
      o[at + i] = T.reparameterize.cpu(x[ox]!, y[oy]!, z[oz]!, p);
  },
  reparameterizeGradLogvar: (o, at, n, x, ox, sx, y, oy, sy, z, oz, sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy, oz += sz)
      o[at + i] = T.reparameterizeGradLogvar.cpu(x[ox]!, y[oy]!, z[oz]!, p);
  },
  bceWithLogitsGrad: (o, at, n, x, ox, sx, y, oy, sy, z, oz, sz, p) => {
    for (let i = 0; i < n; i++, ox += sx, oy += sy, oz += sz)
      o[at + i] = T.bceWithLogitsGrad.cpu(x[ox]!, y[oy]!, z[oz]!, p);
  },
};

/** The shared loop, for an op without a loop of its own: the same values through a call per element. */
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
