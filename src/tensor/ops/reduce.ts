// Reductions over any set of axes, with keepdims. Their backward broadcasts the gradient back
// over the reduced axes (a broadcasting identity map: no copy kernel of its own).
import { record } from '../../autograd/record.js';
import { floatDType, runMap, runMapSum, runReduce, withShape } from '../dispatch.js';
import { at, normalizeAxes } from '../shape.js';
import type { Tensor } from '../tensor.js';

type Axes = number | readonly number[] | undefined;

/** x's shape with the reduced axes set to 1. */
function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** g (reduced shape) broadcast back to the input shape. */
function expandBack(g: Tensor, kept: readonly number[], shape: readonly number[]): Tensor {
  return runMap('expand', 'identity', [g.reshape([...kept])], { shape });
}

// y = sum over axes of x;  dx = dy broadcast back
export function sum(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  floatDType('sum', [x]);
  const ax = normalizeAxes('sum', axes, x.rank);
  const kept = keptShape(x.shape, ax);
  const shape = x.shape;
  const y = runReduce('sum', x, ax);
  const out = keepdims ? withShape(y, kept) : y;
  return record('sum', [x], out, [], (dy) => [expandBack(dy, kept, shape)]);
}

// y = sum / count;  dx = dy / count broadcast back (one scaling, broadcasting kernel)
export function mean(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  floatDType('mean', [x]);
  const ax = normalizeAxes('mean', axes, x.rank);
  const count = ax.reduce((n, a) => n * at(x.shape, a, 'axis'), 1);
  if (count === 0) throw new Error(`mean: no elements to average in ${x.describe()}`);
  const kept = keptShape(x.shape, ax);
  const shape = x.shape;
  const y = () => {
    const m = runMapSum('mean', 'identity', [x], ax, { scale: 1 / count });
    return keepdims ? withShape(m, kept) : m;
  };
  return record('mean', [x], y, [], (dy) => [
    runMap('mean backward', 'mulScalar', [dy.reshape([...kept])], { param: 1 / count, shape }),
  ]);
}

// y = max over axes;  dx = dy on the arg-max elements (split evenly between ties)
function extremum(op: 'max' | 'min', x: Tensor, axes: Axes, keepdims: boolean): Tensor {
  floatDType(op, [x]);
  const ax = normalizeAxes(op, axes, x.rank);
  const kept = keptShape(x.shape, ax);
  const y = runReduce(op, x, ax);
  const out = keepdims ? withShape(y, kept) : y;
  return record(op, [x], out, [x, out], (dy, [x, y]) => {
    const hits = x.eq(y.reshape(kept));
    const share = hits.div(hits.sum(ax, true));
    return [share.mul(dy.reshape(kept))];
  });
}

export const max = (x: Tensor, axes?: Axes, keepdims = false): Tensor => extremum('max', x, axes, keepdims);
export const min = (x: Tensor, axes?: Axes, keepdims = false): Tensor => extremum('min', x, axes, keepdims);
