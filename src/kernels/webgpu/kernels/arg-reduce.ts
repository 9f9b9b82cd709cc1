// argmax / argmin along one axis: one invocation per output element scans its row of n values
// (strided by `inner`) and keeps the first position of the extreme. A NaN beats every number and
// ends the scan, as on the CPU; the NaN test is on the bit pattern (drivers may fold x != x).
import type { ArgReduceOp, Shape } from '../../backend.js';
import { at, sizeOf } from '../../layout.js';
import type { WebGPUBuf } from '../buffer.js';
import { FLAT_WORKGROUP, GRID_BUILTINS, grid1d } from '../grid.js';
import { paramsDecl, paramsLets, u32 } from '../params.js';
import type { KernelSpec, Runtime } from '../runtime.js';
import { WGSL_FLOAT_BITS, wgslScalar } from '../wgsl.js';

const WG = 64;
const slots = [u32('outCount'), u32('n'), u32('inner')];

function argReduceKernel(op: ArgReduceOp, dtype: 'float32' | 'int32'): KernelSpec {
  const t = wgslScalar(dtype);
  const better = op === 'argmax' ? 'v > best' : 'v < best';
  const nan = (v: string) => (dtype === 'float32' ? `is_nan_(${v})` : 'false');
  const source = `${WGSL_FLOAT_BITS}
${paramsDecl(slots)}
@group(0) @binding(1) var<storage, read> X: array<${t}>;
@group(0) @binding(2) var<storage, read_write> O: array<i32>;
@compute @workgroup_size(${WG})
fn main(${GRID_BUILTINS}) {
${paramsLets(slots)}
  let o = (${FLAT_WORKGROUP}) * ${WG}u + lid;
  if (o >= outCount) { return; }
  let base = (o / inner) * n * inner + o % inner;
  var best = X[base];
  var at = 0u;
  if (!${nan('best')}) {
    for (var m = 1u; m < n; m++) {
      let v = X[base + m * inner];
      if (${nan('v')}) { at = m; break; }
      if (${better}) { best = v; at = m; }
    }
  }
  O[o] = i32(at);
}`;
  return { name: `${op}_${dtype}`, source, slots };
}

export function encodeArgReduce(
  rt: Runtime,
  op: ArgReduceOp,
  x: WebGPUBuf,
  inShape: Shape,
  axis: number,
  out: WebGPUBuf,
): void {
  if (!Number.isInteger(axis) || axis < 0 || axis >= inShape.length)
    throw new Error(`${op}: axis ${axis} out of range for rank ${inShape.length}`);
  const n = at(inShape, axis, 'axis');
  if (n === 0) throw new Error(`${op}: the axis to reduce is empty ([${inShape}])`);
  const outCount = sizeOf(inShape) / n;
  if (out.size < outCount) throw new Error(`${op}: output holds ${out.size} elements, needs ${outCount}`);
  if (outCount === 0) return;
  const dtype = x.dtype as 'float32' | 'int32';
  const kernel = rt.variant(`${op}|${dtype}`, () => argReduceKernel(op, dtype));
  rt.dispatch(
    kernel,
    { outCount, n, inner: sizeOf(inShape.slice(axis + 1)) },
    [x.binding, out.binding],
    grid1d(Math.ceil(outCount / WG)),
    rt.profiling ? `${op} ${inShape.join('×')} axis ${axis}` : undefined,
  );
}
