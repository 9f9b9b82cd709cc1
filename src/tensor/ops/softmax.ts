// logsumexp, softmax and logSoftmax, numerically stable: the max is subtracted before exp,
// so logsumexp stays finite at +-1000 and softmax never overflows.
import { noGrad } from '../../autograd/grad-mode.js';
import { record } from '../../autograd/record.js';
import { floatDType, withShape } from '../dispatch.js';
import { normalizeAxes, normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { tidy } from '../tidy.js';
import { where } from './elementwise.js';

/** log(sum(exp(x))) over axes, keeping them as size 1: m + log(sum(exp(x - m))), m = max. */
function lseKeep(x: Tensor, axes: readonly number[]): Tensor {
  return noGrad(() =>
    tidy(() => {
      const m = x.max([...axes], true);
      // an all -inf (or +inf) row would give inf - inf = NaN; shift by 0 there instead
      const shift = where(m.abs().lt(Infinity), m, 0);
      return x
        .sub(shift)
        .exp()
        .sum([...axes], true)
        .log()
        .add(shift);
    }),
  );
}

// y = logsumexp(x);  dx = dy * exp(x - y) = dy * softmax(x)
export function logsumexp(x: Tensor, axes?: number | readonly number[], keepdims = false): Tensor {
  floatDType('logsumexp', [x]);
  const ax = normalizeAxes('logsumexp', axes, x.rank);
  const kept = lseKeep(x, ax);
  const keptShape = kept.shape;
  const out = keepdims
    ? kept
    : withShape(
        kept,
        x.shape.filter((_, i) => !ax.includes(i)),
      );
  return record('logsumexp', [x], out, [x, out], (dy, [x, y]) => [
    x
      .sub(y.reshape([...keptShape]))
      .exp()
      .mul(dy.reshape([...keptShape])),
  ]);
}

// y = exp(x - logsumexp(x));  dx = y * (dy - sum(dy * y))
export function softmax(x: Tensor, axis = -1): Tensor {
  floatDType('softmax', [x]);
  const a = normalizeAxis('softmax', axis, x.rank);
  const y = noGrad(() => tidy(() => x.sub(lseKeep(x, [a])).exp()));
  return record('softmax', [x], y, [y], (dy, [y]) => [y.mul(dy.sub(dy.mul(y).sum(a, true)))]);
}

// y = x - logsumexp(x);  dx = dy - exp(y) * sum(dy)
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  floatDType('logSoftmax', [x]);
  const a = normalizeAxis('logSoftmax', axis, x.rank);
  const y = noGrad(() => tidy(() => x.sub(lseKeep(x, [a]))));
  return record('logSoftmax', [x], y, [y], (dy, [y]) => [dy.sub(y.exp().mul(dy.sum(a, true)))]);
}
