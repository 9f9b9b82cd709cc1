// Reduce (sum / max / min) over any set of axes. The input's axes split into kept axes (they
// index the output element o) and reduced axes (they index the element r being folded in), and
// input offset = base(o) + step(r), each an unfolding of the index with uniform strides.
// Each group is coalesced on its own, so "sum the rows of a [128, 784]" is 1 kept × 1 reduced axis.
//
// Two kernels:
//  - tree: one workgroup per output element. Its 64 invocations each fold a strided share of
//    the R inputs, then combine their partials pairwise in var<workgroup> memory, halving the
//    active invocations each step, with a barrier between steps (log2 64 = 6 steps).
//  - serial: one invocation per output element folds all R inputs in a loop. No barriers, which
//    wins when R is small or the outputs are many (barriers are costly on CPU Vulkan drivers),
//    e.g. summing a [128, 400] over its batch axis: neighbouring invocations read neighbouring
//    addresses.
// max/min propagate NaN as the CPU does: NaN wins every comparison (tested on the bit pattern).
import type { ReduceOp, Shape } from '../../backend.js';
import { MAP_OPS, WGSL_MAP_HELPERS, type MapOp } from '../../elementwise.js';
import { contiguousStrides, sizeOf } from '../../layout.js';
import type { WebGPUBuf } from '../buffer.js';
import { coalesce } from '../coalesce.js';
import { FLAT_WORKGROUP, GRID_BUILTINS, grid1d } from '../grid.js';
import { f32, paramsDecl, paramsLets, perAxis, u32, type ParamSlot } from '../params.js';
import type { KernelSpec, Runtime } from '../runtime.js';
import { offsetsFromIndex, WGSL_FLOAT_BITS, WGSL_INF_BITS } from '../wgsl.js';

const TREE_WG = 64;
const SERIAL_WG = 64;

export type ReduceKernelKind = 'tree' | 'serial';

/** The identity of each fold and how two partial results combine. */
const FOLD: Record<ReduceOp, { init: string; combine: string }> = {
  sum: { init: '0.0', combine: 'a + b' },
  max: { init: 'f32_from_bits_(NEG_INF_)', combine: 'select(b, a, a > b || is_nan_(a))' },
  min: { init: 'f32_from_bits_(POS_INF_)', combine: 'select(b, a, a < b || is_nan_(a))' },
};

/**
 * What each input element is before it is folded in: the element itself, or an op of the
 * elementwise table applied to same-shape inputs at the same index (mapSum: BCE or KL terms
 * summed without a buffer in between), and the factor the result is multiplied by (a mean).
 */
export interface Prologue {
  op: MapOp;
}

function slotsFor(keptRank: number, redRank: number, pro?: Prologue): ParamSlot[] {
  const s: ParamSlot[] = [u32('outCount'), u32('redCount')];
  if (pro) s.push(f32('p'), f32('scale'));
  for (let d = 1; d < keptRank; d++) s.push(u32(`kshape${d}`));
  for (let d = 0; d < keptRank; d++) s.push(u32(`kstride${d}`));
  for (let d = 1; d < redRank; d++) s.push(u32(`rshape${d}`));
  for (let d = 0; d < redRank; d++) s.push(u32(`rstride${d}`));
  return s;
}

function header(op: ReduceOp, slots: ParamSlot[], pro?: Prologue): string {
  const arity = pro ? MAP_OPS[pro.op].arity : 1;
  const inputs = Array.from(
    { length: arity },
    (_, j) => `@group(0) @binding(${j + 1}) var<storage, read> X${j}: array<f32>;`,
  );
  return `${pro ? `${WGSL_MAP_HELPERS}${WGSL_INF_BITS}` : WGSL_FLOAT_BITS}
fn combine_(a: f32, b: f32) -> f32 { return ${FOLD[op].combine}; }
${
  pro
    ? `fn value_(i: u32, p: f32) -> f32 {\n${['x', 'y', 'z']
        .slice(0, arity)
        .map((v, j) => `  let ${v} = X${j}[i];`)
        .join('\n')}\n  return ${MAP_OPS[pro.op].wgsl};\n}`
    : 'fn value_(i: u32) -> f32 { return X0[i]; }'
}
${paramsDecl(slots)}
${inputs.join('\n')}
@group(0) @binding(${arity + 1}) var<storage, read_write> O: array<f32>;`;
}

/** The element at offset \`at\` (after the prologue), and the output's final value. */
const valueAt = (pro: Prologue | undefined, at: string): string => (pro ? `value_(${at}, p)` : `value_(${at})`);
const result = (pro: Prologue | undefined, acc: string): string => (pro ? `${acc} * scale` : acc);

function treeKernel(op: ReduceOp, keptRank: number, redRank: number, pro?: Prologue): KernelSpec {
  const slots = slotsFor(keptRank, redRank, pro);
  const source = `${header(op, slots, pro)}
var<workgroup> partial: array<f32, ${TREE_WG}>;
@compute @workgroup_size(${TREE_WG})
fn main(${GRID_BUILTINS}) {
${paramsLets(slots)}
  let o = ${FLAT_WORKGROUP};
  // o is uniform across the workgroup, so returning here keeps the barriers below uniform
  if (o >= outCount) { return; }
${offsetsFromIndex(
  keptRank,
  1,
  (d) => `kshape${d}`,
  (_j, d) => `kstride${d}`,
  'o',
)}
  let base = off0;
  var acc = ${FOLD[op].init};
  for (var r = lid; r < redCount; r += ${TREE_WG}u) {
${offsetsFromIndex(
  redRank,
  1,
  (d) => `rshape${d}`,
  (_j, d) => `rstride${d}`,
  'r',
  'u32',
  'r_',
).replace(/^/gm, '  ')}
    acc = combine_(acc, ${valueAt(pro, 'base + r_off0')});
  }
  partial[lid] = acc;
  workgroupBarrier();
  for (var half = ${TREE_WG / 2}u; half > 0u; half >>= 1u) {
    if (lid < half) { partial[lid] = combine_(partial[lid], partial[lid + half]); }
    workgroupBarrier();
  }
  if (lid == 0u) { O[o] = ${result(pro, 'partial[0]')}; }
}`;
  return { name: `reduce_${op}${pro ? `_${pro.op}` : ''}_tree_k${keptRank}_r${redRank}`, source, slots };
}

function serialKernel(op: ReduceOp, keptRank: number, redRank: number, pro?: Prologue): KernelSpec {
  const slots = slotsFor(keptRank, redRank, pro);
  const source = `${header(op, slots, pro)}
@compute @workgroup_size(${SERIAL_WG})
fn main(${GRID_BUILTINS}) {
${paramsLets(slots)}
  let o = (${FLAT_WORKGROUP}) * ${SERIAL_WG}u + lid;
  if (o >= outCount) { return; }
${offsetsFromIndex(
  keptRank,
  1,
  (d) => `kshape${d}`,
  (_j, d) => `kstride${d}`,
  'o',
)}
  let base = off0;
  var acc = ${FOLD[op].init};
  for (var r = 0u; r < redCount; r++) {
${offsetsFromIndex(
  redRank,
  1,
  (d) => `rshape${d}`,
  (_j, d) => `rstride${d}`,
  'r',
  'u32',
  'r_',
).replace(/^/gm, '  ')}
    acc = combine_(acc, ${valueAt(pro, 'base + r_off0')});
  }
  O[o] = ${result(pro, 'acc')};
}`;
  return { name: `reduce_${op}${pro ? `_${pro.op}` : ''}_serial_k${keptRank}_r${redRank}`, source, slots };
}

/**
 * Which kernel: the tree only for a handful of outputs with a lot to fold each, where the serial
 * kernel would leave the other invocations (and cores) idle. Measured on lavapipe (median device
 * time): each tree workgroup costs ~5 µs of barriers, so it loses even on row sums
 * (128×784 → 128: tree 0.62 ms, serial 0.22; 1024² → 1024: 6.6 against 1.7; 128 → 1: 0.10
 * against 0.09), and wins on long single rows (100000 → 1: 0.22 against 0.72; 4×200000 → 4:
 * 1.3 against 1.6).
 */
export function chooseReduceKernel(outCount: number, redCount: number, _innermostReduced: boolean): ReduceKernelKind {
  return outCount <= 8 && redCount >= 1024 ? 'tree' : 'serial';
}

export function encodeReduce(
  rt: Runtime,
  op: ReduceOp,
  x: WebGPUBuf,
  inShape: Shape,
  axes: readonly number[],
  out: WebGPUBuf,
  force?: ReduceKernelKind,
): void {
  encodeFold(rt, op, [x], inShape, axes, out, force);
}

/**
 * out = scale · Σ over \`axes\` of op(inputs) (same-shape, contiguous inputs): the reduction
 * kernels with the elementwise op as a prologue, so the terms never touch memory.
 */
export function encodeMapSum(
  rt: Runtime,
  op: MapOp,
  inputs: readonly WebGPUBuf[],
  inShape: Shape,
  axes: readonly number[],
  out: WebGPUBuf,
  param: number,
  scale: number,
  force?: ReduceKernelKind,
): void {
  if (inputs.length !== MAP_OPS[op].arity) throw new Error(`mapSum: ${op} takes ${MAP_OPS[op].arity} inputs`);
  const n = sizeOf(inShape);
  for (const x of inputs) if (x.size < n) throw new Error(`mapSum: an input holds ${x.size} elements, needs ${n}`);
  encodeFold(rt, 'sum', inputs, inShape, axes, out, force, { op }, { p: param, scale });
}

function encodeFold(
  rt: Runtime,
  op: ReduceOp,
  inputs: readonly WebGPUBuf[],
  inShape: Shape,
  axes: readonly number[],
  out: WebGPUBuf,
  force?: ReduceKernelKind,
  pro?: Prologue,
  proParams: { p: number; scale: number } = { p: 0, scale: 1 },
): void {
  const rank = inShape.length;
  for (const a of axes) {
    if (!Number.isInteger(a) || a < 0 || a >= rank) throw new Error(`reduce: axis ${a} out of range for rank ${rank}`);
  }
  const reduced = new Set(axes);
  const strides = contiguousStrides(inShape);
  // the sizes and strides of the kept and of the reduced axes
  const split = (keep: boolean) => ({
    shape: inShape.filter((_, i) => reduced.has(i) !== keep),
    strides: strides.filter((_, i) => reduced.has(i) !== keep),
  });
  const [keptAll, redAll] = [split(true), split(false)];
  const outCount = sizeOf(keptAll.shape);
  const redCount = sizeOf(redAll.shape);
  if (out.size < outCount) throw new Error(`reduce: output holds ${out.size} elements, needs ${outCount}`);
  if (outCount === 0) return;
  const kept = coalesce(keptAll.shape, [keptAll.strides]);
  const red = coalesce(redAll.shape, [redAll.strides]);
  const kr = kept.shape.length,
    rr = red.shape.length;
  const innermost = reduced.has(rank - 1) && (inShape.at(-1) ?? 1) > 1;
  const kind = force ?? chooseReduceKernel(outCount, redCount, innermost);
  const kernel = rt.variant(`reduce|${op}|${pro?.op ?? ''}|${kind}|${kr}|${rr}`, () =>
    kind === 'tree' ? treeKernel(op, kr, rr, pro) : serialKernel(op, kr, rr, pro),
  );
  const params = {
    outCount,
    redCount,
    ...(pro ? proParams : {}),
    ...perAxis('kshape', kept.shape, 1),
    ...perAxis('kstride', kept.strides[0] ?? []),
    ...perAxis('rshape', red.shape, 1),
    ...perAxis('rstride', red.strides[0] ?? []),
  };
  // an empty reduction (some reduced axis of size 0) loops zero times and writes the identity
  const groups = kind === 'tree' ? outCount : Math.ceil(outCount / SERIAL_WG);
  const label = rt.profiling
    ? `reduce ${op}${pro ? ` of ${pro.op}` : ''} ${kind} ${inShape.join('×')}→${keptAll.shape.join('×') || '1'}`
    : undefined;
  rt.dispatch(kernel, params, [...inputs.map((x) => x.binding), out.binding], grid1d(groups), label);
}
