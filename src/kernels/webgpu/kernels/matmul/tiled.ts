// Rung 3: the classic GPU tiling through workgroup memory. A workgroup of 16 × 16 invocations
// owns a 64 × 64 output tile. For each 16-wide slice of K, all 256 invocations cooperatively
// copy a 64×16 slice of A and a 16×64 slice of B into var<workgroup> arrays (4 values each,
// zero outside the matrix), wait at a barrier, then each computes its 4 × 4 outputs from the
// shared copies, and waits again before the next slice overwrites them.
// Each global value is loaded once per workgroup instead of once per output row/column. On real
// GPUs that is the winning trade; on a CPU driver the barriers dominate (measured ~1 GFLOP/s).
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

export const TILED_TILE = 64; // output rows and columns per workgroup
const TK = 16; // K slice per step
const WG = 16; // invocations per side; each does 4 × 4 outputs
const LANE = ['x', 'y', 'z', 'w'];

export function tiledMatmul(v: MatmulVariant): KernelSpec {
  const s = { ...v, aVec: false, bVec: false };
  // Which (row, k) of the A slice element e is: neighbouring invocations take neighbouring
  // addresses in storage (k for A stored M×K, rows for Aᵀ stored K×M); likewise for B.
  const aPos = s.transA ? ['e % 64u', 'e / 64u'] : ['e / 16u', 'e % 16u'];
  const bPos = s.transB ? ['e / 16u', 'e % 16u'] : ['e % 64u', 'e / 64u'];
  // Loops with run-time trip counts, deliberately: fully unrolled, this kernel took a CPU driver
  // over a second to compile.
  const loads = [
    `    for (var q = 0u; q < 4u; q++) {`,
    `      let e = li + q * 256u;`,
    `      {`,
    `        let r = ${aPos[0]}; let kk = ${aPos[1]};`,
    `        let gr = tileRow + r; let gk = k0 + kk;`,
    `        let av = A[${aIndex(s, 'min(gr, M - 1u)', 'min(gk, K - 1u)')}];`,
    `        As[kk * 16u + r / 4u][r % 4u] = select(0.0, av, gr < M && gk < K);`,
    `      }`,
    `      {`,
    `        let c = ${bPos[0]}; let kk = ${bPos[1]};`,
    `        let gc = tileCol + c; let gk = k0 + kk;`,
    `        let bv = B[${bIndex(s, 'min(gk, K - 1u)', 'min(gc, N - 1u)')}];`,
    `        Bs[kk * 16u + c / 4u][c % 4u] = select(0.0, bv, gc < N && gk < K);`,
    `      }`,
    `    }`,
  ];
  const store: string[] = [
    '  if (hasRowSums != 0u && tileCol == 0u && l.x == 0u) {',
    ...[0, 1, 2, 3].map((c) => `    if (r0 + ${c}u < M) { RS[r0 + ${c}u] = rs.${LANE[c]}; }`),
    '  }',
    '  var bv = vec4<f32>(0.0);',
  ];
  store.push(
    s.outVec
      ? `  if (hasBias != 0u) { bv = bias[min(c0 / 4u, N / 4u - 1u)]; }`
      : `  if (hasBias != 0u) { bv = ` +
          `vec4<f32>(${[0, 1, 2, 3].map((c) => `bias[min(c0 + ${c}u, N - 1u)]`).join(', ')}); }`,
  );
  for (let t = 0; t < 4; t++) {
    store.push(
      `  if (r0 + ${t}u < M) {`,
      `    let o = oBase + (r0 + ${t}u) * N;`,
      `    let y = act4_(acc${t} + bv, act);`,
    );
    if (s.outVec) {
      store.push(`    if (c0 < N) { O[(o + c0) / 4u] = y; }`);
    } else {
      for (let c = 0; c < 4; c++) store.push(`    if (c0 + ${c}u < N) { O[o + c0 + ${c}u] = y.${LANE[c]}; }`);
    }
    store.push('  }');
  }
  const source = `${MATMUL_HELPERS}
${paramsDecl(MATMUL_SLOTS)}
${matmulBindings(s)}
// slice element (k, row) lives at [k * 16 + row / 4][row % 4], so a 4-row column is one vec4
var<workgroup> As: array<vec4<f32>, ${TK * 16}>;
var<workgroup> Bs: array<vec4<f32>, ${TK * 16}>;
@compute @workgroup_size(${WG}, ${WG})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>) {
${paramsLets(MATMUL_SLOTS)}
  let li = l.y * ${WG}u + l.x;
  let tileRow = wg.y * ${TILED_TILE}u;
  let tileCol = wg.x * ${TILED_TILE}u;
  let batch = wg.z + batchOffset;
  let aBase = batch * aStride;
  let bBase = batch * bStride;
  let oBase = batch * M * N;
  var rs = vec4<f32>(0.0); // op(A)'s row sums for rows r0 .. r0 + 3
  var acc0 = vec4<f32>(0.0); var acc1 = vec4<f32>(0.0); var acc2 = vec4<f32>(0.0); var acc3 = vec4<f32>(0.0);
  // no early return: every invocation must reach every barrier
  for (var k0 = 0u; k0 < K; k0 += ${TK}u) {
${loads.join('\n')}
    workgroupBarrier();
    for (var kk = 0u; kk < min(${TK}u, K - k0); kk++) {
      let a = As[kk * 16u + l.y];
      let b = Bs[kk * 16u + l.x];
      rs += a;
      acc0 = fma(vec4<f32>(a.x), b, acc0);
      acc1 = fma(vec4<f32>(a.y), b, acc1);
      acc2 = fma(vec4<f32>(a.z), b, acc2);
      acc3 = fma(vec4<f32>(a.w), b, acc3);
    }
    workgroupBarrier();
  }
  let r0 = tileRow + l.y * 4u;
  let c0 = tileCol + l.x * 4u;
${store.join('\n')}
}`;
  return { name: variantName('tiled', s), source, slots: MATMUL_SLOTS };
}
