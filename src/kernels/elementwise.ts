// Elementwise ops are data: one row per op, its WGSL expression beside its CPU function.
// The WebGPU backend generates a kernel from `wgsl`; the CPU backend loops over `cpu`.
// In both, x, y, z are the inputs (converted to float) and p is the op's scalar parameter.
//
// NaN must propagate the same way on both backends, so ops that would use WGSL's min/max/sign
// (whose NaN behaviour is unspecified) are written with comparisons instead: `!(x <= 0)` is
// true for NaN, so relu(NaN) = NaN, as in the CPU loop.
// WGSL lets drivers assume floats are never NaN, and Mesa's lavapipe does: there `x != x` and
// `NaN != y` are *false*. So NaN tests use the bit pattern (`is_nan_`, from ./webgpu/wgsl.ts) and
// "not equal" is written as the negation of `==` (which is false for NaN everywhere).
//
// The table is also the one home of each formula the fused kernels use: the matmul epilogue's
// activations are generated from the unary rows (relu, sigmoid, tanh), the CPU matmul applies
// their `cpu` functions, and the backward passes (of the elementwise ops, of `linear`, of the
// fused VAE terms) are the `...Grad` rows.

import { WGSL_IS_NAN } from './webgpu/wgsl.js';

import type { DType } from './backend.js';

export interface MapOpDef {
  readonly arity: 1 | 2 | 3;
  readonly wgsl: string;
  readonly cpu: (x: number, y: number, z: number, p: number) => number;
}

const log1p = Math.log1p;
const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const softplus = (x: number): number => (x > 0 ? x + log1p(Math.exp(-x)) : log1p(Math.exp(x)));
const propagatingMax = (x: number, y: number): number => (x > y || x !== x ? x : y);
const propagatingMin = (x: number, y: number): number => (x < y || x !== x ? x : y);
const bool = (b: boolean): number => (b ? 1 : 0);

/**
 * erfc in float64, to ~1e-15: for |x| < 3 through erf's series with positive terms only (no
 * cancellation), erf(x) = 2/√π e^{-x²} Σ_n x (2x²)^n / (1·3·…·(2n+1)); beyond, the continued
 * fraction erfc(x) = e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated from the tail.
 */
function erfc(x: number): number {
  if (x !== x) return x;
  if (x < -3) return 2 - erfc(-x);
  if (x < 3) {
    let term = x;
    let sum = x;
    for (let n = 1; Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
  }
  let f = x;
  for (let k = 60; k >= 1; k--) f = x + k / 2 / f;
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
}
/** Φ(x), the standard normal CDF, accurate in relative terms far into the left tail. */
const normalCdf = (x: number): number => 0.5 * erfc(-x / Math.SQRT2);
/** φ(x), the standard normal density. */
const normalPdf = (x: number): number => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);

/** pow for a scalar exponent, defined for negative bases when p is an integer (as Math.pow). */
const powScalar = (x: number, p: number): number => x ** p;

export const MAP_OPS = {
  // unary
  identity: { arity: 1, wgsl: 'x', cpu: (x) => x },
  neg: { arity: 1, wgsl: '-x', cpu: (x) => -x },
  exp: { arity: 1, wgsl: 'exp(x)', cpu: (x) => Math.exp(x) },
  log: { arity: 1, wgsl: 'log(x)', cpu: (x) => Math.log(x) },
  log1p: { arity: 1, wgsl: 'log1p_(x)', cpu: (x) => log1p(x) },
  sqrt: { arity: 1, wgsl: 'sqrt(x)', cpu: (x) => Math.sqrt(x) },
  square: { arity: 1, wgsl: 'x * x', cpu: (x) => x * x },
  abs: { arity: 1, wgsl: 'abs(x)', cpu: (x) => Math.abs(x) },
  sign: {
    arity: 1,
    wgsl: 'select(select(0.0, -1.0, x < 0.0), 1.0, x > 0.0)',
    cpu: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
  },
  relu: { arity: 1, wgsl: 'select(0.0, x, !(x <= 0.0))', cpu: (x) => (x <= 0 ? 0 : x) },
  sigmoid: { arity: 1, wgsl: 'sigmoid_(x)', cpu: sigmoid },
  tanh: { arity: 1, wgsl: 'tanh_(x)', cpu: (x) => Math.tanh(x) },
  softplus: { arity: 1, wgsl: 'softplus_(x)', cpu: softplus },
  // GELU, exact (erf) form as PyTorch's default: x Φ(x); its derivative Φ(x) + x φ(x)
  gelu: { arity: 1, wgsl: 'x * normal_cdf_(x)', cpu: (x) => x * normalCdf(x) },
  geluGrad: { arity: 1, wgsl: 'normal_cdf_(x) + x * normal_pdf_(x)', cpu: (x) => normalCdf(x) + x * normalPdf(x) },
  // SiLU (swish): x σ(x); its derivative σ(x) (1 + x (1 - σ(x)))
  silu: { arity: 1, wgsl: 'x * sigmoid_(x)', cpu: (x) => x * sigmoid(x) },
  siluGrad: { arity: 1, wgsl: 'silu_grad_(x)', cpu: (x) => sigmoid(x) * (1 + x * (1 - sigmoid(x))) },
  // unary with the scalar p
  addScalar: { arity: 1, wgsl: 'x + p', cpu: (x, _y, _z, p) => x + p },
  mulScalar: { arity: 1, wgsl: 'x * p', cpu: (x, _y, _z, p) => x * p },
  rsubScalar: { arity: 1, wgsl: 'p - x', cpu: (x, _y, _z, p) => p - x },
  rdivScalar: { arity: 1, wgsl: 'p / x', cpu: (x, _y, _z, p) => p / x },
  powScalar: { arity: 1, wgsl: 'pow_(x, p)', cpu: (x, _y, _z, p) => powScalar(x, p) },
  // binary
  add: { arity: 2, wgsl: 'x + y', cpu: (x, y) => x + y },
  sub: { arity: 2, wgsl: 'x - y', cpu: (x, y) => x - y },
  mul: { arity: 2, wgsl: 'x * y', cpu: (x, y) => x * y },
  div: { arity: 2, wgsl: 'x / y', cpu: (x, y) => x / y },
  maximum: { arity: 2, wgsl: 'select(y, x, x > y || is_nan_(x))', cpu: propagatingMax },
  minimum: { arity: 2, wgsl: 'select(y, x, x < y || is_nan_(x))', cpu: propagatingMin },
  gt: { arity: 2, wgsl: 'select(0.0, 1.0, x > y)', cpu: (x, y) => bool(x > y) },
  ge: { arity: 2, wgsl: 'select(0.0, 1.0, x >= y)', cpu: (x, y) => bool(x >= y) },
  lt: { arity: 2, wgsl: 'select(0.0, 1.0, x < y)', cpu: (x, y) => bool(x < y) },
  le: { arity: 2, wgsl: 'select(0.0, 1.0, x <= y)', cpu: (x, y) => bool(x <= y) },
  eq: { arity: 2, wgsl: 'select(0.0, 1.0, x == y)', cpu: (x, y) => bool(x === y) },
  ne: { arity: 2, wgsl: 'select(1.0, 0.0, x == y)', cpu: (x, y) => bool(x !== y) },
  // BCE from logits x against targets y, stable: max(x,0) - x*y + log(1 + exp(-|x|))
  bceWithLogits: {
    arity: 2,
    wgsl: 'select(0.0, x, x > 0.0) - x * y + log1p_(exp(-abs(x)))',
    cpu: (x, y) => (x > 0 ? x : 0) - x * y + log1p(Math.exp(-Math.abs(x))),
  },
  // derivatives of the activations from their output y, times the incoming gradient x = dy
  // (relu' = [y > 0], sigmoid' = y (1 - y), tanh' = 1 - y²): the backward of relu/sigmoid/tanh
  // and of `linear`'s fused epilogue
  reluGrad: { arity: 2, wgsl: 'x * select(0.0, 1.0, y > 0.0)', cpu: (x, y) => x * bool(y > 0) },
  sigmoidGrad: { arity: 2, wgsl: 'x * y * (1.0 - y)', cpu: (x, y) => x * y * (1 - y) },
  tanhGrad: { arity: 2, wgsl: 'x * (1.0 - y * y)', cpu: (x, y) => x * (1 - y * y) },
  // KL(N(mu, exp(lv)) || N(0, 1)) of one latent dim, x = mu, y = lv (Kingma & Welling 2014, app. B)
  klStdNormal: {
    arity: 2,
    wgsl: '0.5 * (x * x + exp(y) - 1.0 - y)',
    cpu: (x, y) => 0.5 * (x * x + Math.exp(y) - 1 - y),
  },
  // its derivative by lv, times x = dy and the scale p: p dy (exp(lv) - 1) / 2 (by mu: scaledMul)
  klStdNormalGradLogvar: {
    arity: 2,
    wgsl: 'x * p * 0.5 * (exp(y) - 1.0)',
    cpu: (x, y, _z, p) => x * p * 0.5 * (Math.exp(y) - 1),
  },
  // KL(N(mu_q, exp(lq)) || N(mu_p, exp(lp))) per element, with x = mu_q - mu_p, y = lq, z = lp
  klGaussians: {
    arity: 3,
    wgsl: '0.5 * (z - y + (exp(y) + x * x) * exp(-z) - 1.0)',
    cpu: (x, y, z) => 0.5 * (z - y + (Math.exp(y) + x * x) * Math.exp(-z) - 1),
  },
  // its derivative by the difference x, times x = dy and the scale p, with y = mu_q - mu_p, z = lp
  klGaussiansGradDiff: {
    arity: 3,
    wgsl: 'x * p * y * exp(-z)',
    cpu: (x, y, z, p) => x * p * y * Math.exp(-z),
  },
  // by lq, times x = dy and p, with y = lq, z = lp: p dy (exp(lq - lp) - 1) / 2
  klGaussiansGradLogvarQ: {
    arity: 3,
    wgsl: 'x * p * 0.5 * (exp(y - z) - 1.0)',
    cpu: (x, y, z, p) => x * p * 0.5 * (Math.exp(y - z) - 1),
  },
  // by lp, from the two above: -(by lq) - (mu_q - mu_p)(by the difference) / 2, with x = the
  // gradient by lq, y = mu_q - mu_p, z = the gradient by the difference
  klGaussiansGradLogvarP: { arity: 3, wgsl: '-x - 0.5 * y * z', cpu: (x, y, z) => -x - 0.5 * y * z },
  // x y p: a product and a scale (the 1/batch of a mean) in one kernel
  scaledMul: { arity: 2, wgsl: 'x * y * p', cpu: (x, y, _z, p) => x * y * p },
  // ternary: where(cond, a, b)
  where: { arity: 3, wgsl: 'select(y, z, x == 0.0)', cpu: (x, y, z) => (x !== 0 ? y : z) },
  // the reparameterization z = mu + exp(lv / 2) eps with x = mu, y = lv, z = eps
  reparameterize: { arity: 3, wgsl: 'x + exp(0.5 * y) * z', cpu: (x, y, z) => x + Math.exp(0.5 * y) * z },
  // its derivative by lv, times x = dz: dz eps exp(lv / 2) / 2, with y = lv, z = eps (by mu: dz)
  reparameterizeGradLogvar: {
    arity: 3,
    wgsl: '0.5 * x * z * exp(0.5 * y)',
    cpu: (x, y, z) => 0.5 * x * z * Math.exp(0.5 * y),
  },
  // d bce(l, t) / dl times the incoming gradient and a scale: (sigmoid(l) - t) dy p, x = l, y = t, z = dy
  bceWithLogitsGrad: {
    arity: 3,
    wgsl: '(sigmoid_(x) - y) * z * p',
    cpu: (x, y, z, p) => (sigmoid(x) - y) * z * p,
  },
} as const satisfies Record<string, MapOpDef>;

export type MapOp = keyof typeof MAP_OPS;

/**
 * The output dtype rule of `map`, the same on every backend: ops compute in float and write a
 * float output; an int32 output is only a copy (`identity` of int32, e.g. expand), so that
 * integers never pass through a float.
 */
export function checkMapOutput(op: MapOp, inputs: readonly DType[], out: DType): void {
  if (out !== 'int32' || (op === 'identity' && inputs[0] === 'int32')) return;
  throw new Error(
    `map ${op}: an int32 output is only for 'identity' of int32 (a copy); the other ops write ` +
      `float (got ${inputs.join(', ')} -> int32)`,
  );
}

/** WGSL functions the expressions above call (WGSL has no log1p, and its tanh/pow need care). */
export const WGSL_MAP_HELPERS = /* wgsl */ `${WGSL_IS_NAN}
fn log1p_(x: f32) -> f32 {
  // log(1+x) loses x's low bits when |x| is small; the ratio x/((1+x)-1) restores them.
  let u = 1.0 + x;
  if (u == 1.0) { return x; }
  if (u > 1e30) { return log(u); }
  return log(u) * (x / (u - 1.0));
}
fn sigmoid_(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}
fn erfc_(x: f32) -> f32 {
  // Chebyshev fit with fractional error < 1.2e-7 everywhere (Numerical Recipes' erfcc), so
  // Φ stays accurate in relative terms in the left tail, where 1 + erf(x) would cancel.
  let z = abs(x);
  let t = 1.0 / (1.0 + 0.5 * z);
  let r = t * exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
    t * (-0.82215223 + t * 0.17087277)))))))));
  return select(2.0 - r, r, x >= 0.0);
}
fn normal_cdf_(x: f32) -> f32 { return 0.5 * erfc_(-x * 0.70710678118654752); }
fn normal_pdf_(x: f32) -> f32 { return 0.39894228040143268 * exp(-0.5 * x * x); }
fn silu_grad_(x: f32) -> f32 {
  let s = sigmoid_(x);
  return s * (1.0 + x * (1.0 - s));
}
fn softplus_(x: f32) -> f32 {
  if (x > 0.0) { return x + log1p_(exp(-x)); }
  return log1p_(exp(x));
}
fn tanh_(x: f32) -> f32 {
  // exp(-2|x|) never overflows, unlike exp(2x).
  let e = exp(-2.0 * abs(x));
  let t = (1.0 - e) / (1.0 + e);
  return select(-t, t, x >= 0.0);
}
fn pow_(x: f32, p: f32) -> f32 {
  if (p == 0.0) { return 1.0; }
  let r = pow(abs(x), p);
  if (x >= 0.0 || is_nan_(x)) { return select(r, x, is_nan_(x)); }
  // a NaN: through a \`let\`, since a constant expression may not evaluate to NaN in WGSL
  let nan_bits = 0x7fc00000u;
  if (p != floor(p)) { return bitcast<f32>(nan_bits); }
  let odd = (p * 0.5) != floor(p * 0.5);
  return select(r, -r, odd);
}
`;
