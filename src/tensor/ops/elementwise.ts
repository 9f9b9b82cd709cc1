// Elementwise ops, each with its forward (one kernel from the op table) and its backward
// (the vector-Jacobian product, written with other ops). dy is the gradient of the output.
// Broadcast inputs get their gradient summed back to their own shape by sumToShape.
import { record } from '../../autograd/record.js';
import type { Activation } from '../../kernels/backend.js';
import type { MapOp } from '../../kernels/elementwise.js';
import { defaultFloatDType } from '../backends.js';
import { full } from '../creation.js';
import { isFloat, runMap } from '../dispatch.js';
import type { Tensor } from '../tensor.js';
import { sumToShape } from './sum-to-shape.js';

/** A tensor, or a number that broadcasts like a 0-d tensor of the other operand's dtype. */
export type Operand = Tensor | number;

/** A scalar as a 0-d tensor next to x (same backend and dtype). */
export function scalarLike(x: Tensor, value: number): Tensor {
  return full([], value, { dtype: x.dtype, backend: x.backend });
}

const asTensor = (like: Tensor, v: Operand): Tensor => (typeof v === 'number' ? scalarLike(like, v) : v);

// ---- arithmetic ----

// y = a + b;  da = dy,  db = dy
export function add(a: Tensor, b: Operand): Tensor {
  if (typeof b === 'number') return record('add', [a], runMap('add', 'addScalar', [a], { param: b }), [], (dy) => [dy]);
  const [sa, sb] = [a.shape, b.shape];
  const y = runMap('add', 'add', [a, b]);
  return record('add', [a, b], y, [], (dy) => [sumToShape(dy, sa), sumToShape(dy, sb)]);
}

// y = a - b;  da = dy,  db = -dy
export function sub(a: Tensor, b: Operand): Tensor {
  if (typeof b === 'number')
    return record('sub', [a], runMap('sub', 'addScalar', [a], { param: -b }), [], (dy) => [dy]);
  const [sa, sb] = [a.shape, b.shape];
  const y = runMap('sub', 'sub', [a, b]);
  return record('sub', [a, b], y, [], (dy, _, needs) => [
    sumToShape(dy, sa),
    needs[1] ? sumToShape(dy.neg(), sb) : null,
  ]);
}

// y = a * b;  da = dy * b,  db = dy * a
export function mul(a: Tensor, b: Operand): Tensor {
  if (typeof b === 'number')
    return record('mul', [a], runMap('mul', 'mulScalar', [a], { param: b }), [], (dy) => [dy.mul(b)]);
  const [sa, sb] = [a.shape, b.shape];
  const y = runMap('mul', 'mul', [a, b]);
  return record('mul', [a, b], y, [a, b], (dy, [a, b], needs) => [
    needs[0] ? sumToShape(dy.mul(b), sa) : null,
    needs[1] ? sumToShape(dy.mul(a), sb) : null,
  ]);
}

// y = a / b;  da = dy / b,  db = -dy * y / b
export function div(a: Tensor, b: Operand): Tensor {
  if (typeof b === 'number')
    return record('div', [a], runMap('div', 'mulScalar', [a], { param: 1 / b }), [], (dy) => [dy.div(b)]);
  const [sa, sb] = [a.shape, b.shape];
  const y = runMap('div', 'div', [a, b]);
  return record('div', [a, b], y, [b, y], (dy, [b, y], needs) => [
    needs[0] ? sumToShape(dy.div(b), sa) : null,
    needs[1] ? sumToShape(dy.mul(y).div(b).neg(), sb) : null,
  ]);
}

// y = -x;  dx = -dy
export function neg(x: Tensor): Tensor {
  return record('neg', [x], runMap('neg', 'neg', [x]), [], (dy) => [dy.neg()]);
}

// y = x^p;  dx = dy * p * x^(p-1)
export function pow(x: Tensor, p: number): Tensor {
  if (typeof p !== 'number') throw new Error('pow: the exponent must be a number (scalar powers only)');
  const y = runMap('pow', 'powScalar', [x], { param: p });
  return record('pow', [x], y, [x], (dy, [x]) => [dy.mul(x.pow(p - 1).mul(p))]);
}

// ---- unary functions ----

// y = exp(x);  dx = dy * y
export function exp(x: Tensor): Tensor {
  const y = runMap('exp', 'exp', [x]);
  return record('exp', [x], y, [y], (dy, [y]) => [dy.mul(y)]);
}

// y = log(x);  dx = dy / x
export function log(x: Tensor): Tensor {
  return record('log', [x], runMap('log', 'log', [x]), [x], (dy, [x]) => [dy.div(x)]);
}

// y = log(1 + x);  dx = dy / (1 + x)
export function log1p(x: Tensor): Tensor {
  return record('log1p', [x], runMap('log1p', 'log1p', [x]), [x], (dy, [x]) => [dy.div(x.add(1))]);
}

// y = sqrt(x);  dx = dy / (2 y)
export function sqrt(x: Tensor): Tensor {
  const y = runMap('sqrt', 'sqrt', [x]);
  return record('sqrt', [x], y, [y], (dy, [y]) => [dy.div(y).mul(0.5)]);
}

// y = x^2;  dx = 2 x dy
export function square(x: Tensor): Tensor {
  return record('square', [x], runMap('square', 'square', [x]), [x], (dy, [x]) => [dy.mul(x).mul(2)]);
}

// y = |x|;  dx = dy * sign(x)
export function abs(x: Tensor): Tensor {
  return record('abs', [x], runMap('abs', 'abs', [x]), [x], (dy, [x]) => [dy.mul(runMap('abs', 'sign', [x]))]);
}

// y = max(x, 0);  dx = dy * [y > 0]
export function relu(x: Tensor): Tensor {
  const y = runMap('relu', 'relu', [x]);
  return record('relu', [x], y, [y], (dy, [y]) => [activationVjp('relu', dy, y)]);
}

// y = 1 / (1 + exp(-x));  dx = dy * y (1 - y)
export function sigmoid(x: Tensor): Tensor {
  const y = runMap('sigmoid', 'sigmoid', [x]);
  return record('sigmoid', [x], y, [y], (dy, [y]) => [activationVjp('sigmoid', dy, y)]);
}

// y = tanh(x);  dx = dy (1 - y^2)
export function tanh(x: Tensor): Tensor {
  const y = runMap('tanh', 'tanh', [x]);
  return record('tanh', [x], y, [y], (dy, [y]) => [activationVjp('tanh', dy, y)]);
}

// y = log(1 + exp(x));  dx = dy * sigmoid(x)
export function softplus(x: Tensor): Tensor {
  return record('softplus', [x], runMap('softplus', 'softplus', [x]), [x], (dy, [x]) => [dy.mul(x.sigmoid())]);
}

// y = x Φ(x), Φ the standard normal CDF (GELU, Hendrycks & Gimpel 2016);  dx = dy (Φ(x) + x φ(x))
/**
 * GELU, the exact form `x Φ(x)` (Φ: the standard normal CDF), as PyTorch's default GELU.
 *
 * @example
 * ```ts
 * const h = gelu(linear(x, w, b)); // or linear(x, w, b, 'gelu'), or x.gelu()
 * ```
 */
export function gelu(x: Tensor): Tensor {
  return record('gelu', [x], runMap('gelu', 'gelu', [x]), [x], (dy, [x]) => [dy.mul(runMap('gelu', 'geluGrad', [x]))]);
}

// y = x σ(x) (SiLU, Elfwing et al. 2018);  dx = dy σ(x) (1 + x (1 - σ(x)))
/** SiLU (swish), `x σ(x)`, as PyTorch's nn.SiLU. Also `x.silu()` and the 'silu' activation of Linear/MLP. */
export function silu(x: Tensor): Tensor {
  return record('silu', [x], runMap('silu', 'silu', [x]), [x], (dy, [x]) => [dy.mul(runMap('silu', 'siluGrad', [x]))]);
}

const ACTIVATION_GRAD = { relu: 'reluGrad', sigmoid: 'sigmoidGrad', tanh: 'tanhGrad' } as const;

/**
 * The backward of an activation, read off its output y: dy · act'(x) in one kernel (the
 * `...Grad` rows of the op table). relu, sigmoid, tanh and `linear`'s fused epilogue share it.
 */
export function activationVjp(act: Activation, dy: Tensor, y: Tensor): Tensor {
  return act === 'none' ? dy : runMap(`${act} backward`, ACTIVATION_GRAD[act], [dy, y]);
}

// ---- maximum / minimum: the gradient goes to the input that was chosen ----

// y = max(a, b);  da = dy [a >= b],  db = dy [a < b]
export const maximum = (a: Tensor, b: Operand): Tensor => pick('maximum', a, b, 'ge', 'lt');
// y = min(a, b);  da = dy [a <= b],  db = dy [a > b]
export const minimum = (a: Tensor, b: Operand): Tensor => pick('minimum', a, b, 'le', 'gt');

/** max or min of two operands: each gets dy where its own value was the one picked. */
function pick(op: 'maximum' | 'minimum', a: Tensor, b: Operand, aWins: Comparison, bWins: Comparison): Tensor {
  const bt = asTensor(a, b);
  const [sa, sb] = [a.shape, bt.shape];
  const y = runMap(op, op, [a, bt]);
  const out = record(op, [a, bt], y, [a, bt], (dy, [a, b], needs) => [
    needs[0] ? sumToShape(dy.mul(compare(aWins, a, b)), sa) : null,
    needs[1] ? sumToShape(dy.mul(compare(bWins, a, b)), sb) : null,
  ]);
  if (bt !== b) bt.dispose();
  return out;
}

// ---- no gradient: comparisons, where's condition, casts ----

export type Comparison = 'gt' | 'ge' | 'lt' | 'le' | 'eq' | 'ne';

/** 1 where the comparison holds, else 0 (a float mask; int32 operands compare as numbers). */
export function compare(op: Comparison, a: Tensor, b: Operand): Tensor {
  // a number beside an int32 tensor stays int32 only when it is one (labels.gt(0.5) compares with 0.5)
  const asInt = typeof b === 'number' && a.dtype === 'int32' && Number.isInteger(b) && Math.abs(b) < 2 ** 31;
  const bt =
    typeof b === 'number' && a.dtype === 'int32' && !asInt
      ? full([], b, { dtype: defaultFloatDType(), backend: a.backend })
      : asTensor(a, b);
  const dtype = isFloat(a.dtype) ? a.dtype : isFloat(bt.dtype) ? bt.dtype : 'float32';
  const y = runMap(op, op as MapOp, [a, bt], { dtype });
  if (bt !== b) bt.dispose();
  return y;
}

// y = cond ? a : b (cond nonzero);  da = dy where cond,  db = dy where not
/**
 * `cond ? a : b` elementwise (cond nonzero picks a), broadcasting all three; a and b are float
 * tensors or numbers (at least one a tensor). The gradient flows to a where cond holds, to b elsewhere.
 *
 * @example
 * ```ts
 * const clipped = where(x.gt(1), 1, x); // min(x, 1), with the gradient of x below 1
 * ```
 */
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  const like = typeof a !== 'number' ? a : typeof b !== 'number' ? b : null;
  if (!like) throw new Error('where: at least one of a and b must be a tensor');
  const [at, bt] = [asTensor(like, a), asTensor(like, b)];
  const dtype = isFloat(at.dtype) ? at.dtype : 'float32';
  if (!isFloat(at.dtype) || !isFloat(bt.dtype))
    throw new Error(`where: a and b must be float tensors (got ${at.dtype}, ${bt.dtype})`);
  const [sa, sb] = [at.shape, bt.shape];
  const y = runMap('where', 'where', [cond, at, bt], { dtype });
  const out = record('where', [at, bt], y, [cond], (dy, [c], needs) => {
    const zero = scalarLike(dy, 0);
    return [
      needs[0] ? sumToShape(runMap('where', 'where', [c, dy, zero], { shape: dy.shape }), sa) : null,
      needs[1] ? sumToShape(runMap('where', 'where', [c, zero, dy], { shape: dy.shape }), sb) : null,
    ];
  });
  if (at !== a) at.dispose();
  if (bt !== b) bt.dispose();
  return out;
}

/** int32 -> the default float dtype (no gradient); a float tensor -> a copy that passes gradient. */
export function toFloat(x: Tensor): Tensor {
  if (x.dtype === 'int32') return runMap('toFloat', 'identity', [x], { dtype: defaultFloatDType() });
  return record('toFloat', [x], runMap('toFloat', 'identity', [x]), [], (dy) => [dy]);
}
