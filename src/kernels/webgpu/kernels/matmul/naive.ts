// Rung 1 of the matmul ladder: one invocation per output element, a plain dot product over K.
// Every A and B element is fetched from memory M·N·K / (M·K) = N times (resp. M times):
// the kernel is bound by loads, ~1 GFLOP/s on a CPU driver, but it is the obviously correct one.
import { paramsDecl, paramsLets } from '../../params.js';
import type { KernelSpec } from '../../runtime.js';
import {
  aIndex,
  bIndex,
  MATMUL_HELPERS,
  MATMUL_SLOTS,
  matmulBindings,
  variantName,
  type MatmulVariant,
} from './common.js';

/** Output elements per workgroup: 8 × 8. */
export const NAIVE_TILE = 8;

export function naiveMatmul(v: MatmulVariant): KernelSpec {
  const s = { ...v, aVec: false, bVec: false, outVec: false };
  const source = `${MATMUL_HELPERS}
${paramsDecl(MATMUL_SLOTS)}
${matmulBindings(s)}
@compute @workgroup_size(${NAIVE_TILE}, ${NAIVE_TILE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
${paramsLets(MATMUL_SLOTS)}
  let j = gid.x;
  let i = gid.y;
  if (i >= M || j >= N) { return; }
  let batch = gid.z + batchOffset;
  let aBase = batch * aStride;
  let bBase = batch * bStride;
  var acc = 0.0;
  for (var p = 0u; p < K; p++) {
    acc += A[${aIndex(s, 'i', 'p')}] * B[${bIndex(s, 'p', 'j')}];
  }
  if (hasBias != 0u) { acc += bias[j]; }
  if (hasRowSums != 0u && j == 0u) {
    var s = 0.0;
    for (var p = 0u; p < K; p++) { s += A[${aIndex(s, 'i', 'p')}]; }
    RS[i] = s;
  }
  O[batch * M * N + i * N + j] = act_(acc, act);
}`;
  return { name: variantName('naive', s), source, slots: MATMUL_SLOTS };
}
