// Rung 2: register blocking. Each invocation computes a block of ROWS rows × 4·QUADS columns of
// the output, held in ROWS·QUADS vec4 accumulators; per step p of the K loop it loads ROWS values
// of A's column p and QUADS vec4s of B's row p and does ROWS·QUADS vec4 multiply-adds, so each
// loaded value is reused 4·QUADS (resp. ROWS) times.
//
// Two configurations, measured on lavapipe (bench/matmul-configs.ts, interleaved medians):
//  - wide: 8 rows × 4 vec4s (16 columns), workgroups of 8 × 8 = 64 × 128 outputs: ~15 GFLOP/s
//    at 512² and 1024² (8 × 2 vec4s: ~12; 4 × 1: ~4.5; 8 × 6 or 8 × 8 vec4s: ~7, spilling).
//    Loads, not multiply-adds, are what a CPU driver pays for: each per-invocation load is a
//    gather across the SIMD lanes, so a bigger block (more reuse per load) wins until the
//    accumulators no longer fit in registers.
//  - narrow: 8 rows × 2 vec4s, 64 × 64 outputs per workgroup, for N < 128, where a 128-wide
//    tile would mostly compute columns that do not exist.
//  - tall (a tuning candidate, tune.ts): 16 rows × 4 vec4s, workgroups of 1 × 8 = 128 × 16
//    outputs, one SIMD vector of 8 lanes along the rows. With one invocation across, the
//    columns depend on the workgroup id alone, so every lane reads the same B addresses and
//    only A differs per lane (lavapipe still loads B in every lane: see the next configuration).
//    At the VAE's training shapes (M = 128 = one tile) it
//    beats the wide block in either workgroup shape (bench/matmul-configs.ts, median of 21
//    interleaved rounds, GFLOP/s): A·Bᵀ 33–35 against 24–26, A·B 35 against 28–31, Aᵀ·B 36
//    against 31–34. At 512² and up it loses (31 against 38).
//  - tall, B shared (a tuning candidate where the device has subgroups of 8 lanes): the tall
//    block, but op(B)'s 16 values per step, the same in all 8 lanes, are loaded 2 per lane and
//    handed round with subgroupBroadcast. On lavapipe a storage load whose index varies with the
//    K loop is a loop over the lanes with a bounds-check branch each (bench/matmul-ceiling.ts),
//    so the tall block paid 8 such loads for every value of B it used; a broadcast is a shuffle.
//    At the training shapes (bench:strategies, GFLOP/s): A·B 51–54 against 36, A·Bᵀ 41–43
//    against 34–35, Aᵀ·B 40 against 37.
//    Tried around it, all slower at those shapes: fewer rows (2–8) per invocation; 5–8 vec4
//    columns (A·Bᵀ reads 4 scalars of Bᵀ per column quad and step: 17–27); 20 rows; 4-lane
//    workgroups (half a SIMD vector idle); and K stepped by 4 with Bᵀ read as vec4 along K
//    (A·Bᵀ 13–18): unrolling K loses on lavapipe, as below.
//
// The code generator writes every row and vec4 out as separate statements (no arrays indexed in
// loops, which a CPU driver would spill to memory). Unrolling K as well was measured slower on
// lavapipe: 4 more vec4 registers per row overflow the register file. (Tried again for A·Bᵀ,
// reading both operands as vec4 along K: 3.7–5.5 against 8–9.6 GFLOP/s, and 2–3× the compile
// time.)
//
// Edges: rows/columns past M/N are clamped into the matrix for loading (always in bounds, no
// branches in the loop) and skipped when storing. vec4 loads are used only where the layout
// allows them (see MatmulVariant); otherwise the vec4 is assembled from scalars.
import { paramsDecl, paramsLets } from '../../params.js';
import type { KernelSpec } from '../../runtime.js';
import { MATMUL_HELPERS, MATMUL_SLOTS, matmulBindings, variantName, type MatmulVariant } from './common.js';

export interface BlockedConfig {
  /** Output rows per invocation. */
  rows: number;
  /** Output vec4 columns per invocation (columns = 4 × quads). */
  quads: number;
  /** Workgroup size: invocations along columns (x) and rows (y). */
  wgX: number;
  wgY: number;
  /**
   * With one invocation across (wgX = 1) every lane needs the same C values of op(B) per step:
   * each lane loads C / wgY of them and subgroupBroadcast hands them round, instead of every
   * lane loading all C. Needs the 'subgroups' feature with a subgroup of exactly wgY lanes.
   */
  shareB?: boolean;
}

export const BLOCKED_WIDE: BlockedConfig = { rows: 8, quads: 4, wgX: 8, wgY: 8 };
export const BLOCKED_NARROW: BlockedConfig = { rows: 8, quads: 2, wgX: 8, wgY: 8 };

/** The configuration the blocked strategy uses for an output N columns wide. */
export function blockedConfigFor(n: number): BlockedConfig {
  return n >= 128 ? BLOCKED_WIDE : BLOCKED_NARROW;
}

export function configName(c: BlockedConfig): string {
  return `r${c.rows}q${c.quads}w${c.wgX}x${c.wgY}${c.shareB ? 's' : ''}`;
}

/** Output rows and columns one workgroup covers. */
export function blockedTile(c: BlockedConfig): { rows: number; cols: number } {
  return { rows: c.rows * c.wgY, cols: 4 * c.quads * c.wgX };
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const LANE = ['x', 'y', 'z', 'w'];

export function blockedMatmul(v: MatmulVariant, cfg: BlockedConfig): KernelSpec {
  const R = cfg.rows,
    Q = cfg.quads,
    C = 4 * Q;
  const shareB = !!cfg.shareB;
  if (shareB) v = { ...v, bVec: false }; // each lane loads single columns
  if (shareB && (cfg.wgX !== 1 || C % cfg.wgY !== 0))
    throw new Error(`blocked matmul: shareB needs wgX = 1 and columns divisible by wgY, got ${configName(cfg)}`);
  const pre: string[] = []; // before the K loop
  const body: string[] = []; // the K loop body

  // --- A: a0..a{R-1} = op(A)[row0 + t][p]
  if (!v.transA) {
    for (const t of range(R)) pre.push(`  let aRow${t} = aBase + min(row0 + ${t}u, M - 1u) * K;`);
    for (const t of range(R)) body.push(`    let a${t} = A[aRow${t} + p];`);
  } else if (v.aVec && R % 4 === 0) {
    // Aᵀ is stored K×M: column p of op(A) is row p of storage, R neighbours = R/4 vec4s
    for (const g of range(R / 4)) pre.push(`  let aq${g} = min(row0 / 4u + ${g}u, M / 4u - 1u);`);
    body.push(`    let aK = (aBase + p * M) / 4u;`);
    for (const g of range(R / 4)) body.push(`    let av${g} = A[aK + aq${g}];`);
    for (const t of range(R)) body.push(`    let a${t} = av${t >> 2}.${LANE[t & 3]};`);
  } else {
    for (const t of range(R)) pre.push(`  let ar${t} = min(row0 + ${t}u, M - 1u);`);
    body.push(`    let aK = aBase + p * M;`);
    if (v.aVec) throw new Error('blocked matmul: vec4 A needs rows per invocation divisible by 4');
    for (const t of range(R)) body.push(`    let a${t} = A[aK + ar${t}];`);
  }

  // --- B: b0..b{Q-1} = op(B)[p][col0 .. col0 + C - 1]
  if (shareB) {
    // the C columns shared across the subgroup: lane s loads columns col0 + s, col0 + L + s, ...
    // and column j of the block comes from lane j % L of load j / L (a register move, not a load)
    const L = cfg.wgY;
    const at = (col: string): string => (v.transB ? `bBase + ${col} * K` : `bBase + ${col}`);
    for (const h of range(C / L)) pre.push(`  let bLane${h} = ${at(`min(col0 + ${h * L}u + lane, N - 1u)`)};`);
    const step = v.transB ? 'p' : 'p * N';
    for (const h of range(C / L)) body.push(`    let bv${h} = B[bLane${h} + ${step}];`);
    for (const q of range(Q))
      body.push(
        `    let b${q} = vec4<f32>(${range(4)
          .map((c) => `subgroupBroadcast(bv${Math.floor((q * 4 + c) / L)}, ${(q * 4 + c) % L}u)`)
          .join(', ')});`,
      );
  } else if (!v.transB && v.bVec) {
    for (const q of range(Q)) pre.push(`  let bq${q} = min(col0 / 4u + ${q}u, N / 4u - 1u);`);
    body.push(`    let bK = (bBase + p * N) / 4u;`);
    for (const q of range(Q)) body.push(`    let b${q} = B[bK + bq${q}];`);
  } else if (!v.transB) {
    for (const c of range(C)) pre.push(`  let bc${c} = min(col0 + ${c}u, N - 1u);`);
    body.push(`    let bK = bBase + p * N;`);
    for (const q of range(Q))
      body.push(
        `    let b${q} = vec4<f32>(${range(4)
          .map((c) => `B[bK + bc${q * 4 + c}]`)
          .join(', ')});`,
      );
  } else {
    // Bᵀ is stored N×K: op(B)[p][j] = B[j*K + p], C separate rows of storage
    for (const c of range(C)) pre.push(`  let bCol${c} = bBase + min(col0 + ${c}u, N - 1u) * K;`);
    for (const q of range(Q))
      body.push(
        `    let b${q} = vec4<f32>(${range(4)
          .map((c) => `B[bCol${q * 4 + c} + p]`)
          .join(', ')});`,
      );
  }

  // --- op(A)'s row sums ride along (a Linear layer's bias gradient): R adds per step
  for (const t of range(R)) body.push(`    rs${t} += a${t};`);

  // --- the multiply-adds
  for (const t of range(R))
    for (const q of range(Q)) body.push(`    acc${t}_${q} = fma(vec4<f32>(a${t}), b${q}, acc${t}_${q});`);

  // --- epilogue: bias, activation, store the rows and columns that exist. A loop over rows
  // with a run-time trip count, not unrolled: fully inlined activations took the driver ~0.5 s
  // more to compile, for no measurable speed (the epilogue is M·N work against M·N·K).
  const store: string[] = [];
  const tile = range(R).flatMap((t) => range(Q).map((q) => `acc${t}_${q}`));
  store.push(`  var tile = array<vec4<f32>, ${R * Q}>(${tile.join(', ')});`);
  if (v.outVec) {
    for (const q of range(Q)) {
      store.push(`  let oq${q} = col0 / 4u + ${q}u;`, `  var bias${q} = vec4<f32>(0.0);`);
      store.push(`  if (hasBias != 0u) { bias${q} = bias[min(oq${q}, N / 4u - 1u)]; }`);
    }
  } else {
    for (const q of range(Q)) {
      store.push(`  var bias${q} = vec4<f32>(0.0);`);
      const cols = range(4).map((c) => `bias[min(col0 + ${q * 4 + c}u, N - 1u)]`);
      store.push(`  if (hasBias != 0u) { bias${q} = vec4<f32>(${cols.join(', ')}); }`);
    }
  }
  store.push(`  if (hasRowSums != 0u && col0 == 0u) {`);
  for (const t of range(R)) store.push(`    if (row0 + ${t}u < M) { RS[row0 + ${t}u] = rs${t}; }`);
  store.push('  }');
  // (with shareB, lanes past the last row ran the loop for their neighbours' sake: they store nothing)
  store.push(`  for (var t = 0u; ${shareB ? 'row0 < M && ' : ''}t < min(${R}u, M - row0); t++) {`);
  for (const q of range(Q)) store.push(`    let y${q} = act4_(tile[${Q}u * t + ${q}u] + bias${q}, act);`);
  if (v.outVec) {
    store.push(`    let o = (oBase + (row0 + t) * N) / 4u;`);
    for (const q of range(Q)) store.push(`    if (oq${q} < N / 4u) { O[o + oq${q}] = y${q}; }`);
  } else {
    store.push(`    let o = oBase + (row0 + t) * N + col0;`);
    for (const c of range(C)) store.push(`    if (col0 + ${c}u < N) { O[o + ${c}u] = y${c >> 2}.${LANE[c & 3]}; }`);
  }
  store.push('  }');

  const accs = range(R).flatMap((t) => range(Q).map((q) => `  var acc${t}_${q} = vec4<f32>(0.0);`));
  for (const t of range(R)) accs.push(`  var rs${t} = 0.0;`);
  // subgroupBroadcast needs every lane of the subgroup active: only the uniform test returns early
  const early = shareB ? 'col0 >= N' : 'row0 >= M || col0 >= N';
  const laneParam = shareB ? ', @builtin(subgroup_invocation_id) lane: u32' : '';
  const source = `${shareB ? 'enable subgroups;\n' : ''}${MATMUL_HELPERS}
${paramsDecl(MATMUL_SLOTS)}
${matmulBindings(v)}
@compute @workgroup_size(${cfg.wgX}, ${cfg.wgY})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>${laneParam}) {
${paramsLets(MATMUL_SLOTS)}
  // one invocation along an axis: index from the workgroup alone (uniform across the lanes)
  let row0 = ${cfg.wgY === 1 ? `wg.y * ${R}u` : `(wg.y * ${cfg.wgY}u + l.y) * ${R}u`};
  let col0 = ${cfg.wgX === 1 ? `wg.x * ${C}u` : `(wg.x * ${cfg.wgX}u + l.x) * ${C}u`};
  if (${early}) { return; }
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
  return { name: `${variantName('blocked', v)}_${configName(cfg)}`, source, slots: MATMUL_SLOTS };
}
