// Rung 2: register blocking. Each invocation computes an 8-row × 8-column block of the output
// held in 16 vec4 accumulators; per step p of the K loop it loads 8 values of A's column p and
// 8 of B's row p (two vec4s) and does 64 multiply-adds, so each loaded value is reused 8 times.
// A workgroup of 8 × 8 invocations covers 64 × 64 outputs.
//
// The code generator writes out all 8 rows × 2 vec4s as separate statements (no arrays indexed
// in loops, which a CPU driver would spill to memory). Unrolling K as well was measured slower on
// lavapipe: 4 more vec4 registers per row overflow the register file.
//
// Edges: rows/columns past M/N are clamped into the matrix for loading (always in bounds, no
// branches in the loop) and skipped when storing. vec4 loads are used only where the layout
// allows them (see MatmulVariant); otherwise the vec4 is assembled from scalars.
import { paramsDecl, paramsLets } from '../../params.js';
import type { KernelSpec } from '../../runtime.js';
import { activate, MATMUL_HELPERS, MATMUL_SLOTS, matmulBindings, variantName, type MatmulVariant } from './common.js';

export const BLOCKED_ROWS = 8; // rows per invocation
export const BLOCKED_WG = 8; // invocations per workgroup side
/** Output rows and columns per workgroup. */
export const BLOCKED_TILE = BLOCKED_ROWS * BLOCKED_WG;

const R = BLOCKED_ROWS;
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const LANE = ['x', 'y', 'z', 'w'];

export function blockedMatmul(v: MatmulVariant): KernelSpec {
  const pre: string[] = []; // before the K loop
  const body: string[] = []; // the K loop body

  // --- A: a0..a7 = op(A)[row0 + t][p]
  if (!v.transA) {
    for (const t of range(R)) pre.push(`  let aRow${t} = aBase + min(row0 + ${t}u, M - 1u) * K;`);
    for (const t of range(R)) body.push(`    let a${t} = A[aRow${t} + p];`);
  } else if (v.aVec) {
    // Aᵀ is stored K×M: column p of op(A) is row p of storage, 8 neighbours = two vec4s
    pre.push(`  let aq0 = min(row0 / 4u, M / 4u - 1u);`, `  let aq1 = min(row0 / 4u + 1u, M / 4u - 1u);`);
    body.push(`    let aK = (aBase + p * M) / 4u;`, `    let av0 = A[aK + aq0];`, `    let av1 = A[aK + aq1];`);
    for (const t of range(R)) body.push(`    let a${t} = av${t >> 2}.${LANE[t & 3]};`);
  } else {
    for (const t of range(R)) pre.push(`  let ar${t} = min(row0 + ${t}u, M - 1u);`);
    body.push(`    let aK = aBase + p * M;`);
    for (const t of range(R)) body.push(`    let a${t} = A[aK + ar${t}];`);
  }

  // --- B: b0, b1 = op(B)[p][col0 .. col0 + 7]
  if (!v.transB && v.bVec) {
    pre.push(`  let bq0 = min(col0 / 4u, N / 4u - 1u);`, `  let bq1 = min(col0 / 4u + 1u, N / 4u - 1u);`);
    body.push(`    let bK = (bBase + p * N) / 4u;`, `    let b0 = B[bK + bq0];`, `    let b1 = B[bK + bq1];`);
  } else if (!v.transB) {
    for (const c of range(8)) pre.push(`  let bc${c} = min(col0 + ${c}u, N - 1u);`);
    body.push(`    let bK = bBase + p * N;`);
    for (const q of [0, 1]) {
      body.push(`    let b${q} = vec4<f32>(${range(4).map((c) => `B[bK + bc${q * 4 + c}]`).join(', ')});`);
    }
  } else {
    // Bᵀ is stored N×K: op(B)[p][j] = B[j*K + p], eight separate rows of storage
    for (const c of range(8)) pre.push(`  let bCol${c} = bBase + min(col0 + ${c}u, N - 1u) * K;`);
    for (const q of [0, 1]) {
      body.push(`    let b${q} = vec4<f32>(${range(4).map((c) => `B[bCol${q * 4 + c} + p]`).join(', ')});`);
    }
  }

  // --- the 64 multiply-adds
  for (const t of range(R)) for (const q of [0, 1]) body.push(`    acc${t}_${q} = fma(vec4<f32>(a${t}), b${q}, acc${t}_${q});`);

  // --- epilogue: bias, activation, store the rows and columns that exist
  const store: string[] = [];
  if (v.outVec) {
    for (const q of [0, 1]) {
      store.push(`  let oq${q} = col0 / 4u + ${q}u;`);
      if (v.bias) store.push(`  let bias${q} = bias[min(oq${q}, N / 4u - 1u)];`);
    }
    for (const t of range(R)) {
      store.push(`  if (row0 + ${t}u < M) {`, `    let o = (oBase + (row0 + ${t}u) * N) / 4u;`);
      for (const q of [0, 1]) {
        const x = v.bias ? `(acc${t}_${q} + bias${q})` : `acc${t}_${q}`;
        store.push(`    if (oq${q} < N / 4u) { O[o + oq${q}] = ${activate(v.activation, x, true)}; }`);
      }
      store.push('  }');
    }
  } else {
    if (v.bias) for (const c of range(8)) store.push(`  let bias${c} = bias[min(col0 + ${c}u, N - 1u)];`);
    for (const t of range(R)) {
      store.push(`  if (row0 + ${t}u < M) {`, `    let o = oBase + (row0 + ${t}u) * N + col0;`);
      for (const c of range(8)) {
        const acc = `acc${t}_${c >> 2}.${LANE[c & 3]}`;
        const x = v.bias ? `(${acc} + bias${c})` : acc;
        store.push(`    if (col0 + ${c}u < N) { O[o + ${c}u] = ${activate(v.activation, x, false)}; }`);
      }
      store.push('  }');
    }
  }

  const accs = range(R).flatMap((t) => [0, 1].map((q) => `  var acc${t}_${q} = vec4<f32>(0.0);`));
  const source = `${MATMUL_HELPERS}
${paramsDecl(MATMUL_SLOTS)}
${matmulBindings(v)}
@compute @workgroup_size(${BLOCKED_WG}, ${BLOCKED_WG})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>) {
${paramsLets(MATMUL_SLOTS)}
  let row0 = (wg.y * ${BLOCKED_WG}u + l.y) * ${R}u;
  let col0 = (wg.x * ${BLOCKED_WG}u + l.x) * 8u;
  if (row0 >= M || col0 >= N) { return; }
  let batch = wg.z + batchOffset;
  let aBase = batch * aStride;
  let bBase = batch * bStride;
  let oBase = batch * M * N;
${pre.join('\n')}
${accs.join('\n')}
  for (var p = 0u; p < K; p++) {
${body.join('\n')}
  }
${store.join('\n')}
}`;
  return { name: variantName('blocked', v), source, slots: MATMUL_SLOTS };
}
