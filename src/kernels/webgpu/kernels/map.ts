// Elementwise map, generated from a row of the MAP_OPS table: the row's WGSL expression becomes
// `fn op_(x, y, z, p)`, and a kernel calls it once per output element.
//
// Two shapes of kernel:
//  - contiguous: every input is either dense with the output's shape or a single broadcast
//    value. Each invocation does 4 vec4s (16 elements) with vec4 loads and stores: ~2.6× the
//    strided kernel's speed on lavapipe. Buffers are allocated in multiples of 16 bytes, so the
//    last vec4 may run past `n` but never past the buffer.
//  - strided: anything else (broadcast over some axes). The flat output index is unfolded into
//    one read offset per input using the shape and per-input strides from the uniform block;
//    4 elements per invocation (~2× faster than 1 on lavapipe).
// Inputs may be int32 (read as i32, converted to f32: oneHot = eq(indices, arange)); the output
// is float32.
import type { Shape } from '../../backend.js';
import { MAP_OPS, WGSL_MAP_HELPERS, type MapOp } from '../../elementwise.js';
import { broadcastStrides, sizeOf } from '../../layout.js';
import type { WebGPUBuf } from '../buffer.js';
import { coalesce } from '../coalesce.js';
import { GRID_BUILTINS, VEC_WG, vecLoop, vecWorkgroups } from '../grid.js';
import { f32, paramsDecl, paramsLets, perAxis, u32, type ParamSlot } from '../params.js';
import type { Runtime } from '../runtime.js';
import { offsetsFromIndex, wgslScalar } from '../wgsl.js';

const NAMES = ['x', 'y', 'z'];

export interface MapArg {
  buf: WebGPUBuf;
  shape: Shape;
}

/** How the contiguous kernel reads one input: a vec4 run, or one value broadcast everywhere. */
type ContigRead = 'vec' | 'splat';

function opFunction(op: MapOp): string {
  return `fn op_(x: f32, y: f32, z: f32, p: f32) -> f32 {\n  return ${MAP_OPS[op].wgsl};\n}`;
}

function bindings(types: readonly string[], outType: string): string {
  const decl = types.map((t, j) => `@group(0) @binding(${j + 1}) var<storage, read> X${j}: array<${t}>;`);
  decl.push(`@group(0) @binding(${types.length + 1}) var<storage, read_write> O: array<${outType}>;`);
  return decl.join('\n');
}

function contiguousKernel(op: MapOp, dtypes: readonly ('float32' | 'int32')[], reads: readonly ContigRead[]) {
  const slots: ParamSlot[] = [u32('n4'), f32('p')];
  const types = dtypes.map((d, j) => (reads[j] === 'vec' ? `vec4<${wgslScalar(d)}>` : wgslScalar(d)));
  // vec4<f32>(vec4<i32>) converts lane by lane, but a splat needs an f32 scalar: vec4<f32>(i32)
  // does not exist in WGSL, so a broadcast int32 operand is converted first.
  const loads = dtypes.map((_, j) => {
    const v = reads[j] === 'vec' ? `X${j}[i]` : `f32(X${j}[0])`;
    return `  let ${NAMES[j]} = vec4<f32>(${v});`;
  });
  const arg = (j: number, lane: string): string => (j < dtypes.length ? `${NAMES[j]}.${lane}` : '0.0');
  const lanes = ['x', 'y', 'z', 'w'].map((l) => `op_(${arg(0, l)}, ${arg(1, l)}, ${arg(2, l)}, p)`);
  const body = [...loads, `  O[i] = vec4<f32>(${lanes.join(', ')});`].map((l) => `  ${l}`).join('\n');
  const source = `${WGSL_MAP_HELPERS}
${opFunction(op)}
${paramsDecl(slots)}
${bindings(types, 'vec4<f32>')}
@compute @workgroup_size(${VEC_WG})
fn main(${GRID_BUILTINS}) {
${paramsLets(slots)}
${vecLoop('n4', body)}
}`;
  return { name: `map_${op}_contiguous${variantSuffix(dtypes, reads)}`, source, slots };
}

/**
 * What tells the kernels of one op apart in a list of kernels (the lab's engine panel): nothing
 * for the common case (float32, every operand read as vec4s), else one letter per operand for
 * its dtype (f, i) and, contiguous, how it is read (v: vec4s, s: one value splat), e.g.
 * map_add_contiguous_vs (a tensor plus a scalar), map_eq_strided2_ii.
 */
function variantSuffix(dtypes: readonly ('float32' | 'int32')[], reads?: readonly ContigRead[]): string {
  const types = dtypes.some((d) => d === 'int32') ? dtypes.map((d) => d[0]).join('') : '';
  const how = reads?.some((r) => r === 'splat') ? reads.map((r) => (r === 'vec' ? 'v' : 's')).join('') : '';
  return [types, how]
    .filter(Boolean)
    .map((x) => `_${x}`)
    .join('');
}

function stridedKernel(op: MapOp, dtypes: readonly ('float32' | 'int32')[], rank: number) {
  const slots: ParamSlot[] = [u32('n'), f32('p')];
  for (let d = 1; d < rank; d++) slots.push(u32(`shape${d}`));
  for (let j = 0; j < dtypes.length; j++) for (let d = 0; d < rank; d++) slots.push(u32(`s${j}_${d}`));
  const loads = dtypes.map((_, j) => `  let ${NAMES[j]} = f32(X${j}[off${j}]);`);
  const args = [0, 1, 2].map((j) => (j < dtypes.length ? NAMES[j] : '0.0'));
  const source = `${WGSL_MAP_HELPERS}
${opFunction(op)}
${paramsDecl(slots)}
${bindings(dtypes.map(wgslScalar), 'f32')}
@compute @workgroup_size(${VEC_WG})
fn main(${GRID_BUILTINS}) {
${paramsLets(slots)}
${vecLoop(
  'n',
  [
    offsetsFromIndex(
      rank,
      dtypes.length,
      (d) => `shape${d}`,
      (j, d) => `s${j}_${d}`,
    ),
    ...loads,
    `  O[i] = op_(${args.join(', ')}, p);`,
  ]
    .join('\n')
    .replace(/^/gm, '  '),
)}
}`;
  return { name: `map_${op}_strided${rank}${variantSuffix(dtypes)}`, source, slots };
}

export function encodeMap(
  rt: Runtime,
  op: MapOp,
  inputs: readonly MapArg[],
  out: WebGPUBuf,
  outShape: Shape,
  param: number,
  /** Use the general strided kernel even where the contiguous one applies (tests, benchmarks). */
  forceStrided = false,
): void {
  const def = MAP_OPS[op] as (typeof MAP_OPS)[MapOp] | undefined;
  if (!def) throw new Error(`map: unknown op '${String(op)}'`);
  for (const a of inputs) {
    const lead = outShape.length - a.shape.length;
    if (lead < 0 || a.shape.some((d, i) => d !== 1 && d !== outShape[lead + i])) {
      throw new Error(`map ${op}: input shape [${a.shape}] does not broadcast to [${outShape}]`);
    }
  }
  if (inputs.length !== def.arity) throw new Error(`map ${op}: expects ${def.arity} input(s), got ${inputs.length}`);
  const n = sizeOf(outShape);
  if (n === 0) return;
  const dtypes = inputs.map((a) => {
    if (a.buf.dtype === 'float64') throw new Error('map: float64 is not supported on webgpu');
    return a.buf.dtype as 'float32' | 'int32';
  });
  const { shape, strides } = coalesce(
    outShape,
    inputs.map((a) => broadcastStrides(a.shape, outShape)),
  );
  const buffers = [...inputs.map((a) => a.buf.binding), out.binding];

  const contiguous = !forceStrided && shape.length === 1 && strides.every((s) => s[0] === 1 || s[0] === 0);
  if (contiguous) {
    const reads = strides.map((s): ContigRead => (s[0] === 1 ? 'vec' : 'splat'));
    const kernel = rt.variant(`map|${op}|${dtypes}|${reads}`, () => contiguousKernel(op, dtypes, reads));
    const n4 = Math.ceil(n / 4);
    rt.dispatch(
      kernel,
      { n4, p: param },
      buffers,
      vecWorkgroups(n4),
      rt.profiling ? `map ${op} ${outShape.join('×')}` : undefined,
    );
    return;
  }
  const rank = shape.length;
  const kernel = rt.variant(`map|${op}|${dtypes}|r${rank}`, () => stridedKernel(op, dtypes, rank));
  const params = Object.assign(
    { n, p: param },
    perAxis('shape', shape, 1),
    ...strides.map((s, j) => perAxis(`s${j}_`, s)),
  );
  rt.dispatch(
    kernel,
    params,
    buffers,
    vecWorkgroups(n),
    rt.profiling ? `map ${op} strided ${outShape.join('×')}` : undefined,
  );
}
