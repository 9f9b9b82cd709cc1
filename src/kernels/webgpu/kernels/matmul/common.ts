// What every matmul kernel shares: the variant it is generated for, its parameters, how it
// reads op(A)[i][p] and op(B)[p][j] from storage (transposes are index arithmetic, never a copy),
// and the fused epilogue out = act(acc + bias[j]).
import type { Activation } from '../../../backend.js';
import { MAP_OPS, WGSL_MAP_HELPERS } from '../../../elementwise.js';
import { u32, type ParamSlot } from '../../params.js';

export type MatmulStrategy = 'naive' | 'blocked' | 'tiled';

/**
 * Everything that changes the generated code. Sizes, the activation and whether there is a bias
 * do not: they are uniforms. (A CPU driver spends ~0.5–1 s compiling each matmul variant, so
 * the epilogue choice costs a branch per output instead of a pipeline per combination.)
 */
export interface MatmulVariant {
  transA: boolean;
  transB: boolean;
  /** A read as vec4 (only for Aᵀ stored K×M with M and the batch stride multiples of 4). */
  aVec: boolean;
  /** B read as vec4 (only for B stored K×N with N and the batch stride multiples of 4). */
  bVec: boolean;
  /** out (and bias) written/read as vec4: N a multiple of 4. */
  outVec: boolean;
}

export function variantKey(s: MatmulStrategy, v: MatmulVariant): string {
  return `matmul|${s}|${+v.transA}${+v.transB}|${+v.aVec}${+v.bVec}${+v.outVec}`;
}

export function variantName(s: MatmulStrategy, v: MatmulVariant): string {
  const t = `${v.transA ? 't' : 'n'}${v.transB ? 't' : 'n'}`;
  const vec = `${v.aVec ? 'A4' : ''}${v.bVec ? 'B4' : ''}${v.outVec ? 'O4' : ''}`;
  return `matmul_${s}_${t}${vec ? `_${vec}` : ''}`;
}

/** M, N, K; the batch strides of A and B (0 = one matrix shared by all); the first batch entry
 *  of this dispatch (batches beyond 65535 take several dispatches); the epilogue: whether to add
 *  the bias, and which activation (ACTIVATION_CODE); whether to write op(A)'s row sums. */
export const MATMUL_SLOTS: readonly ParamSlot[] = [
  u32('M'),
  u32('N'),
  u32('K'),
  u32('aStride'),
  u32('bStride'),
  u32('batchOffset'),
  u32('hasBias'),
  u32('act'),
  u32('hasRowSums'),
];

/** The epilogue's activations, each a unary row of the elementwise table; code = index + 1 (0 = none). */
export const EPILOGUE_ACTIVATIONS = ['relu', 'sigmoid', 'tanh'] as const satisfies readonly Exclude<
  Activation,
  'none'
>[];
export const ACTIVATION_CODE: Record<Activation, number> = Object.fromEntries([
  ['none', 0],
  ...EPILOGUE_ACTIVATIONS.map((a, i) => [a, i + 1]),
]) as Record<Activation, number>;

/** Storage bindings 1.. : A, B, bias (a dummy buffer when hasBias = 0), O; scalar or vec4; and
 *  RS, op(A)'s row sums (another dummy when hasRowSums = 0). */
export function matmulBindings(v: MatmulVariant): string {
  const t = (vec: boolean): string => (vec ? 'vec4<f32>' : 'f32');
  return [
    `@group(0) @binding(1) var<storage, read> A: array<${t(v.aVec)}>;`,
    `@group(0) @binding(2) var<storage, read> B: array<${t(v.bVec)}>;`,
    `@group(0) @binding(3) var<storage, read> bias: array<${t(v.outVec)}>;`,
    `@group(0) @binding(4) var<storage, read_write> O: array<${t(v.outVec)}>;`,
    `@group(0) @binding(5) var<storage, read_write> RS: array<f32>;`,
  ].join('\n');
}

/** Scalar index of op(A)[i][p] (a fresh matrix starts at aBase). */
export function aIndex(v: MatmulVariant, i: string, p: string): string {
  return v.transA ? `aBase + (${p}) * M + (${i})` : `aBase + (${i}) * K + (${p})`;
}
/** Scalar index of op(B)[p][j]. */
export function bIndex(v: MatmulVariant, p: string, j: string): string {
  return v.transB ? `bBase + (${j}) * K + (${p})` : `bBase + (${p}) * N + (${j})`;
}

/**
 * The epilogue's activation, chosen at run time by the uniform \`act\` (ACTIVATION_CODE), each
 * case generated from the activation's row of the elementwise table (so the matmul epilogue,
 * the CPU matmul and the elementwise op compute the same formula).
 */
export const MATMUL_HELPERS = `${WGSL_MAP_HELPERS}
fn act_(x: f32, act: u32) -> f32 {
  switch act {
${EPILOGUE_ACTIVATIONS.map((a) => `    case ${ACTIVATION_CODE[a]}u: { return ${MAP_OPS[a].wgsl}; }`).join('\n')}
    default: { return x; }
  }
}
fn act4_(x: vec4<f32>, act: u32) -> vec4<f32> {
  if (act == 0u) { return x; }
  return vec4<f32>(act_(x.x, act), act_(x.y, act), act_(x.z, act), act_(x.w, act));
}`;
