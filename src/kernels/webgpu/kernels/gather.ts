// gather and its adjoint scatterAdd along one axis (see GatherDesc in backend.ts).
//
// gather: one invocation per output position c. The flat index is unfolded into two offsets,
// x's without the axis and the index's, and the element is X[base + index · axisStride]. The
// words are copied untouched (array<u32>), so one kernel serves float32 and int32.
//
// scatterAdd: WGSL has atomics for i32/u32 only, so a float add into a shared output would need a
// compare-exchange loop on the bitcast u32 — correct, but contended outputs serialise and, worse,
// the order of the additions (hence the rounded sum) changes from run to run. Instead each
// invocation owns ONE output element and loops over the positions along the axis that could
// write it, adding those whose index equals its own coordinate: no atomics, no races, and the
// additions happen in position order, as in the CPU reference. The cost is
// |out| × shape[axis] index reads — small for the uses here (gather's backward with a few
// positions per row, embedding rows for a batch), and it would be the thing to revisit for a
// large vocabulary (sort the indices, or segment sums).
import type { GatherDesc } from '../../backend.js';
import { at, contiguousStrides, sizeOf } from '../../layout.js';
import type { WebGPUBuf } from '../buffer.js';
import { FLAT_WORKGROUP, GRID_BUILTINS, grid1d } from '../grid.js';
import { paramsDecl, paramsLets, perAxis, u32, type ParamSlot } from '../params.js';
import type { KernelSpec, Runtime } from '../runtime.js';
import { offsetsFromIndex } from '../wgsl.js';

const WG = 64;
/** Ranks beyond this throw (one uniform slot per axis and stride). */
export const MAX_GATHER_RANK = 8;

function gatherKernel(rank: number): KernelSpec {
  const slots: ParamSlot[] = [u32('n'), u32('limit'), u32('axisStride')];
  for (let d = 1; d < rank; d++) slots.push(u32(`shape${d}`));
  for (let d = 0; d < rank; d++) slots.push(u32(`xs${d}`));
  for (let d = 0; d < rank; d++) slots.push(u32(`is${d}`));
  const source = `${paramsDecl(slots)}
@group(0) @binding(1) var<storage, read> X: array<u32>;
@group(0) @binding(2) var<storage, read> I: array<i32>;
@group(0) @binding(3) var<storage, read_write> O: array<u32>;
@compute @workgroup_size(${WG})
fn main(${GRID_BUILTINS}) {
${paramsLets(slots)}
  let i = (${FLAT_WORKGROUP}) * ${WG}u + lid;
  if (i >= n) { return; }
${offsetsFromIndex(
  rank,
  2,
  (d) => `shape${d}`,
  (j, d) => (j === 0 ? `xs${d}` : `is${d}`),
)}
  let at = I[off1];
  if (at >= 0 && u32(at) < limit) { O[i] = X[off0 + u32(at) * axisStride]; } else { O[i] = 0u; }
}`;
  return { name: `gather_rank${rank}`, source, slots };
}

function scatterAddKernel(rank: number, axis: number): KernelSpec {
  const slots: ParamSlot[] = [u32('n'), u32('len'), u32('srcAxisStride'), u32('idxAxisStride')];
  for (let d = 0; d < rank; d++) if (d > 0) slots.push(u32(`xshape${d}`));
  for (let d = 0; d < rank; d++) if (d !== axis) slots.push(u32(`shape${d}`), u32(`ss${d}`), u32(`is${d}`));
  const unfold: string[] = ['  var rest = o;', '  var srcBase = 0u;', '  var idxBase = 0u;', '  var inside = true;'];
  unfold.push('  var want = 0;');
  for (let d = rank - 1; d >= 0; d--) {
    unfold.push(d > 0 ? `  let c${d} = rest % xshape${d}; rest = rest / xshape${d};` : `  let c${d} = rest;`);
    if (d === axis) unfold.push(`  want = i32(c${d});`);
    else {
      unfold.push(`  inside = inside && c${d} < shape${d};`);
      unfold.push(`  srcBase += c${d} * ss${d};`, `  idxBase += c${d} * is${d};`);
    }
  }
  const source = `${paramsDecl(slots)}
@group(0) @binding(1) var<storage, read> S: array<f32>;
@group(0) @binding(2) var<storage, read> I: array<i32>;
@group(0) @binding(3) var<storage, read_write> O: array<f32>;
@compute @workgroup_size(${WG})
fn main(${GRID_BUILTINS}) {
${paramsLets(slots)}
  let o = (${FLAT_WORKGROUP}) * ${WG}u + lid;
  if (o >= n) { return; }
${unfold.join('\n')}
  var acc = 0.0;
  if (inside) {
    for (var m = 0u; m < len; m++) {
      if (I[idxBase + m * idxAxisStride] == want) { acc += S[srcBase + m * srcAxisStride]; }
    }
  }
  O[o] = acc;
}`;
  return { name: `scatter_add_rank${rank}_axis${axis}`, source, slots };
}

function checkDesc(op: string, d: GatherDesc): void {
  const rank = d.xShape.length;
  if (rank === 0 || d.shape.length !== rank || d.indexStrides.length !== rank)
    throw new Error(
      `${op}: shapes [${d.xShape}] and [${d.shape}] and ${d.indexStrides.length} index strides differ in rank`,
    );
  if (rank > MAX_GATHER_RANK) throw new Error(`${op}: rank ${rank} exceeds the webgpu limit of ${MAX_GATHER_RANK}`);
  if (!Number.isInteger(d.axis) || d.axis < 0 || d.axis >= rank) throw new Error(`${op}: axis ${d.axis} out of range`);
}

export function encodeGather(rt: Runtime, x: WebGPUBuf, index: WebGPUBuf, out: WebGPUBuf, d: GatherDesc): void {
  checkDesc('gather', d);
  const n = sizeOf(d.shape);
  if (n === 0) return;
  const rank = d.shape.length;
  const xStrides = contiguousStrides(d.xShape);
  const params = {
    n,
    limit: at(d.xShape, d.axis, 'axis'),
    axisStride: at(xStrides, d.axis, 'axis'),
    ...perAxis('shape', d.shape, 1),
    ...perAxis(
      'xs',
      xStrides.map((s, k) => (k === d.axis ? 0 : s)),
    ),
    ...perAxis('is', d.indexStrides),
  };
  const kernel = rt.variant(`gather|${rank}`, () => gatherKernel(rank));
  rt.dispatch(
    kernel,
    params,
    [x.binding, index.binding, out.binding],
    grid1d(Math.ceil(n / WG)),
    rt.profiling ? `gather ${d.xShape.join('×')}→${d.shape.join('×')} axis ${d.axis}` : undefined,
  );
}

export function encodeScatterAdd(rt: Runtime, src: WebGPUBuf, index: WebGPUBuf, out: WebGPUBuf, d: GatherDesc): void {
  checkDesc('scatterAdd', d);
  const n = sizeOf(d.xShape);
  if (n === 0) return;
  const rank = d.xShape.length;
  const srcStrides = contiguousStrides(d.shape);
  // (the kernel declares no shape or strides of the scattered axis; packing skips what it does not declare)
  const params = {
    n,
    len: at(d.shape, d.axis, 'axis'),
    srcAxisStride: at(srcStrides, d.axis, 'axis'),
    idxAxisStride: at(d.indexStrides, d.axis, 'axis'),
    ...perAxis('xshape', d.xShape, 1),
    ...perAxis('shape', d.shape),
    ...perAxis('ss', srcStrides),
    ...perAxis('is', d.indexStrides),
  };
  const kernel = rt.variant(`scatterAdd|${rank}|${d.axis}`, () => scatterAddKernel(rank, d.axis));
  rt.dispatch(
    kernel,
    params,
    [src.binding, index.binding, out.binding],
    grid1d(Math.ceil(n / WG)),
    rt.profiling ? `scatterAdd ${d.shape.join('×')}→${d.xShape.join('×')} axis ${d.axis}` : undefined,
  );
}
