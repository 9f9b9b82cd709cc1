// Strided copy: dst[dstLayout(i)] = src[srcLayout(i)] for every index i of `shape`. This one
// kernel is transpose/permute, slice, concat and broadcast-expand. The flat index is unfolded
// into (src offset, dst offset) with the strides from the uniform block; offsets are i32 so a
// layout may walk backwards. Same dtype on both sides: the 32-bit words are copied untouched.
import type { Layout, Shape } from '../../backend.js';
import { sizeOf } from '../../layout.js';
import type { WebGPUBuf } from '../buffer.js';
import { coalesce } from '../coalesce.js';
import { GRID_BUILTINS, VEC_WG, vecLoop, vecWorkgroups } from '../grid.js';
import { i32, paramsDecl, paramsLets, perAxis, u32, type ParamSlot } from '../params.js';
import type { Runtime, KernelSpec } from '../runtime.js';
import { offsetsFromIndex } from '../wgsl.js';

/** Beyond this rank (after merging axes that are contiguous on both sides) copy throws. */
export const MAX_COPY_RANK = 6;

/** src → dst converting element type when they differ (int32 ↔ float32). */
function convert(from: string, to: string): string {
  if (from === to) return 'S[u32(off0)]';
  return to === 'float32' ? 'u32_as_f32_(S[u32(off0)])' : 'f32_as_i32_(S[u32(off0)])';
}

function copyKernel(rank: number, from: string, to: string): KernelSpec {
  const slots: ParamSlot[] = [u32('n'), i32('srcOffset'), i32('dstOffset')];
  for (let d = 1; d < rank; d++) slots.push(u32(`shape${d}`));
  for (let d = 0; d < rank; d++) slots.push(i32(`src${d}`));
  for (let d = 0; d < rank; d++) slots.push(i32(`dst${d}`));
  const source = `${paramsDecl(slots)}
@group(0) @binding(1) var<storage, read> S: array<u32>;
@group(0) @binding(2) var<storage, read_write> D: array<u32>;
fn u32_as_f32_(w: u32) -> u32 { return bitcast<u32>(f32(bitcast<i32>(w))); }
fn f32_as_i32_(w: u32) -> u32 { return bitcast<u32>(i32(bitcast<f32>(w))); }
@compute @workgroup_size(${VEC_WG})
fn main(${GRID_BUILTINS}) {
${paramsLets(slots)}
${vecLoop(
  'n',
  [
    offsetsFromIndex(
      rank,
      2,
      (d) => `shape${d}`,
      (j, d) => (j === 0 ? `src${d}` : `dst${d}`),
      'i',
      'i32',
    ),
    `  off0 += srcOffset;`,
    `  off1 += dstOffset;`,
    `  D[u32(off1)] = ${convert(from, to)};`,
  ]
    .join('\n')
    .replace(/^/gm, '  '),
)}
}`;
  return { name: `copy_rank${rank}${from === to ? '' : `_${from}_to_${to}`}`, source, slots };
}

export function encodeCopy(rt: Runtime, src: WebGPUBuf, from: Layout, dst: WebGPUBuf, to: Layout, shape: Shape): void {
  const n = sizeOf(shape);
  if (n === 0) return;
  if (from.strides.length !== shape.length || to.strides.length !== shape.length) {
    throw new Error(
      `copy: shape has rank ${shape.length} but strides have ${from.strides.length} and ${to.strides.length}`,
    );
  }
  const c = coalesce(shape, [from.strides, to.strides]);
  const rank = c.shape.length;
  if (rank > MAX_COPY_RANK) {
    throw new Error(`copy: rank ${rank} (after merging contiguous axes) exceeds the webgpu limit of ${MAX_COPY_RANK}`);
  }
  const kernel = rt.variant(`copy|${rank}|${src.dtype}|${dst.dtype}`, () => copyKernel(rank, src.dtype, dst.dtype));
  const [srcStrides = [], dstStrides = []] = c.strides;
  const params = {
    n,
    srcOffset: from.offset,
    dstOffset: to.offset,
    ...perAxis('shape', c.shape, 1),
    ...perAxis('src', srcStrides),
    ...perAxis('dst', dstStrides),
  };
  // 4 elements per invocation
  rt.dispatch(
    kernel,
    params,
    [src.binding, dst.binding],
    vecWorkgroups(n),
    rt.profiling ? `copy rank${rank} ${shape.join('×')}` : undefined,
  );
}
