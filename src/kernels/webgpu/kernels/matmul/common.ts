// What every matmul kernel shares: the variant it is generated for, its parameters, how it
// reads op(A)[i][p] and op(B)[p][j] from storage (transposes are index arithmetic, never a copy),
// and the fused epilogue out = act(acc + bias[j]).
import type { Activation } from '../../../backend.js';
import { WGSL_MAP_HELPERS } from '../../../elementwise.js';
import { u32, type ParamSlot } from '../../params.js';

export type MatmulStrategy = 'naive' | 'blocked' | 'tiled';

/** Everything that changes the generated code (sizes do not: they are uniforms). */
export interface MatmulVariant {
  transA: boolean;
  transB: boolean;
  /** A read as vec4 (only for Aᵀ stored K×M with M and the batch stride multiples of 4). */
  aVec: boolean;
  /** B read as vec4 (only for B stored K×N with N and the batch stride multiples of 4). */
  bVec: boolean;
  /** out (and bias) written/read as vec4: N a multiple of 4. */
  outVec: boolean;
  bias: boolean;
  activation: Activation;
}

export function variantKey(s: MatmulStrategy, v: MatmulVariant): string {
  return `matmul|${s}|${+v.transA}${+v.transB}|${+v.aVec}${+v.bVec}${+v.outVec}|${+v.bias}|${v.activation}`;
}

export function variantName(s: MatmulStrategy, v: MatmulVariant): string {
  const t = `${v.transA ? 't' : 'n'}${v.transB ? 't' : 'n'}`;
  const vec = `${v.aVec ? 'A4' : ''}${v.bVec ? 'B4' : ''}${v.outVec ? 'O4' : ''}`;
  return `matmul_${s}_${t}${vec ? `_${vec}` : ''}${v.bias ? '_bias' : ''}${v.activation !== 'none' ? `_${v.activation}` : ''}`;
}

/** M, N, K; the batch strides of A and B (0 = one matrix shared by all); the first batch entry
 *  of this dispatch (batches beyond 65535 take several dispatches). */
export const MATMUL_SLOTS: readonly ParamSlot[] = [u32('M'), u32('N'), u32('K'), u32('aStride'), u32('bStride'), u32('batchOffset')];

/** Storage bindings 1.. : A, B, [bias], O, with scalar or vec4 element types. */
export function matmulBindings(v: MatmulVariant): string {
  const t = (vec: boolean): string => (vec ? 'vec4<f32>' : 'f32');
  const lines = [
    `@group(0) @binding(1) var<storage, read> A: array<${t(v.aVec)}>;`,
    `@group(0) @binding(2) var<storage, read> B: array<${t(v.bVec)}>;`,
  ];
  let next = 3;
  if (v.bias) lines.push(`@group(0) @binding(${next++}) var<storage, read> bias: array<${t(v.outVec)}>;`);
  lines.push(`@group(0) @binding(${next}) var<storage, read_write> O: array<${t(v.outVec)}>;`);
  return lines.join('\n');
}

/** Scalar index of op(A)[i][p] (a fresh matrix starts at aBase). */
export function aIndex(v: MatmulVariant, i: string, p: string): string {
  return v.transA ? `aBase + (${p}) * M + (${i})` : `aBase + (${i}) * K + (${p})`;
}
/** Scalar index of op(B)[p][j]. */
export function bIndex(v: MatmulVariant, p: string, j: string): string {
  return v.transB ? `bBase + (${j}) * K + (${p})` : `bBase + (${p}) * N + (${j})`;
}

/** WGSL for act(x) on f32 or vec4<f32>, same formulas as the CPU's applyActivation. */
export function activate(act: Activation, x: string, vec: boolean): string {
  switch (act) {
    case 'none':
      return x;
    case 'relu': // x <= 0 ? 0 : x, so NaN stays NaN
      return vec ? `select(${x}, vec4<f32>(0.0), ${x} <= vec4<f32>(0.0))` : `select(${x}, 0.0, ${x} <= 0.0)`;
    case 'sigmoid':
      return vec ? `sigmoid4_(${x})` : `sigmoid_(${x})`;
    case 'tanh':
      return vec ? `tanh4_(${x})` : `tanh_(${x})`;
  }
}

/** Helper functions the epilogue may call (sigmoid_/tanh_ come from the map helpers). */
export const MATMUL_HELPERS = `${WGSL_MAP_HELPERS}
fn sigmoid4_(v: vec4<f32>) -> vec4<f32> { return vec4<f32>(sigmoid_(v.x), sigmoid_(v.y), sigmoid_(v.z), sigmoid_(v.w)); }
fn tanh4_(v: vec4<f32>) -> vec4<f32> { return vec4<f32>(tanh_(v.x), tanh_(v.y), tanh_(v.z), tanh_(v.w)); }`;
