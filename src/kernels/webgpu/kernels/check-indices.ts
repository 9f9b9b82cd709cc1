// Index validation on the device: is every int32 of X in [0, limit)? Two launches in the same
// pass (the second sees the first's writes):
//   1. every invocation that meets a bad value atomicMin's its position into F[0]
//      (F starts as 0xffffffff: "none"), so F[0] ends as the first bad position;
//   2. one invocation copies the value at that position into F[1].
// F is read back at the next sync point (see WebGPUBackend.checkIndices).
import type { WebGPUBuf } from '../buffer.js';
import { GRID_BUILTINS, VEC_WG, vecLoop, vecWorkgroups } from '../grid.js';
import { paramsDecl, paramsLets, u32 } from '../params.js';
import type { Runtime } from '../runtime.js';

export const NO_VIOLATION = 0xffffffff;

const findSlots = [u32('n'), u32('limit')];
const findSource = `${paramsDecl(findSlots)}
@group(0) @binding(1) var<storage, read> X: array<i32>;
@group(0) @binding(2) var<storage, read_write> F: array<atomic<u32>>;
@compute @workgroup_size(${VEC_WG})
fn main(${GRID_BUILTINS}) {
${paramsLets(findSlots)}
${vecLoop('n', '    let v = X[i];\n    if (v < 0 || u32(v) >= limit) { atomicMin(&F[0], i); }')}
}`;

const valueSlots = [u32('unused')];
const valueSource = `${paramsDecl(valueSlots)}
@group(0) @binding(1) var<storage, read> X: array<i32>;
@group(0) @binding(2) var<storage, read_write> F: array<u32>;
@compute @workgroup_size(1)
fn main() {
  if (F[0] != ${NO_VIOLATION}u) { F[1] = bitcast<u32>(X[F[0]]); }
}`;

/** Records the check of x's `n` values against limit; the result lands in flag (2 words, set to NO_VIOLATION first). */
export function encodeCheckIndices(rt: Runtime, x: WebGPUBuf, n: number, limit: number, flag: WebGPUBuf): void {
  const find = rt.variant('checkIndices', () => ({ name: 'check_indices', source: findSource, slots: findSlots }));
  const value = rt.variant('checkIndicesValue', () => ({
    name: 'check_indices_value',
    source: valueSource,
    slots: valueSlots,
  }));
  // a limit past the largest int32 lets every non-negative value through
  rt.dispatch(find, { n, limit: Math.min(limit, 2 ** 31) }, [x.binding, flag.binding], vecWorkgroups(n));
  rt.dispatch(value, { unused: 0 }, [x.binding, flag.binding], [1, 1, 1]);
}
