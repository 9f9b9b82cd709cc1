// Indexing by int32 tensors: gather (torch.gather), indexSelect (rows by index, the embedding
// lookup) and argmax/argmin. Both gathers are one backend primitive, and their backward is its
// adjoint, a scatter-add: every output gradient goes back to the element it was read from, and
// elements read several times get the sum.
import { record } from '../../autograd/record.js';
import type { ArgReduceOp, GatherDesc } from '../../kernels/backend.js';
import { zeros } from '../creation.js';
import { empty, floatDType, sameBackend, withShape } from '../dispatch.js';
import { checkIndices } from '../indices.js';
import { contiguousStrides, fmt, normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';

/** index must be int32 (checked before shapes, so a float index gets the dtype message). */
function checkIndexDType(op: string, index: Tensor): void {
  if (index.dtype !== 'int32') throw new Error(`${op}: indices must be int32, got ${index.describe()}`);
}

/** dx for a gather described by desc: dy added into zeros of x's shape where each element was read. */
function scatterAdd(dy: Tensor, index: Tensor, desc: GatherDesc): Tensor {
  const dtype = floatDType('scatterAdd', [dy]);
  const dx = empty(dy.backend, desc.xShape, dtype);
  if (dx.size > 0) dy.backend.scatterAdd(dy.buf, index.buf, dx.buf, desc);
  return dx;
}

function runGather(op: string, x: Tensor, index: Tensor, desc: GatherDesc): Tensor {
  sameBackend(op, [x, index]);
  const y = empty(x.backend, desc.shape, x.dtype);
  if (y.size > 0) x.backend.gather(x.buf, index.buf, y.buf, desc);
  return record(op, [x], y, [index], (dy, [i]) => [scatterAdd(dy, i, desc)]);
}

/**
 * torch.gather: picks, along `axis`, the element each index names.
 * For a 2-D x and axis 1, `y[i][j] = x[i][index[i][j]]`; in general y has index's shape and
 * `y[c] = x[c with c[axis] replaced by index[c]]`. index is int32, of x's rank, and no larger
 * than x off `axis`, its values in [0, x.shape[axis]) (else an IndexOutOfRangeError naming the value
 * and its position). The gradient flows to x (summed where an element is picked twice).
 *
 * @example
 * ```ts
 * const x = tensor([[1, 2, 3], [4, 5, 6]]);
 * const i = tensor(new Int32Array([2, 0]), [2, 1]);
 * await x.gather(1, i).toArray(); // [[3], [4]]
 * ```
 */
export function gather(x: Tensor, axis: number, index: Tensor): Tensor {
  const ax = normalizeAxis('gather', axis, x.rank);
  checkIndexDType('gather', index);
  if (x.rank === 0) throw new Error(`gather: ${x.describe()} has no axis to gather along`);
  const fits = index.rank === x.rank && index.shape.every((d, k) => k === ax || d <= (x.shape[k] ?? 0));
  if (!fits) {
    throw new Error(
      `gather: index ${fmt(index.shape)} must have the rank of x ${fmt(x.shape)} and be no larger off axis ${ax}`,
    );
  }
  if (index.size > 0 && (x.shape[ax] ?? 0) === 0)
    throw new Error(`gather: axis ${ax} of ${x.describe()} is empty; there is nothing to pick`);
  checkIndices('gather', index, x.shape[ax] ?? 0);
  return runGather('gather', x, index, {
    xShape: x.shape,
    shape: index.shape,
    axis: ax,
    indexStrides: contiguousStrides(index.shape),
  });
}

/**
 * The slices of x at the given positions along `axis` (torch.index_select): with axis 0, the rows
 * `index[0], index[1], ...` — an embedding lookup. index is a 1-D int32 tensor; the result has
 * x's shape with `axis` resized to index's length. An index outside [0, x.shape[axis]) is an
 * IndexOutOfRangeError. The gradient is summed into the rows picked.
 *
 * @example
 * ```ts
 * const table = randn([10, 4]).requireGrad(); // 10 embeddings of size 4
 * const rows = indexSelect(table, 0, tensor(new Int32Array([3, 3, 7]))); // [3, 4]
 * ```
 */
export function indexSelect(x: Tensor, axis: number, index: Tensor): Tensor {
  const ax = normalizeAxis('indexSelect', axis, x.rank);
  checkIndexDType('indexSelect', index);
  if (x.rank === 0) throw new Error(`indexSelect: ${x.describe()} has no axis to select along`);
  if (index.rank !== 1) throw new Error(`indexSelect: index must be 1-D, got ${index.describe()}`);
  const n = index.shape[0] ?? 0;
  if (n > 0 && (x.shape[ax] ?? 0) === 0)
    throw new Error(`indexSelect: axis ${ax} of ${x.describe()} is empty; there is nothing to select`);
  checkIndices('indexSelect', index, x.shape[ax] ?? 0);
  return runGather('indexSelect', x, index, {
    xShape: x.shape,
    shape: x.shape.map((d, k) => (k === ax ? n : d)),
    axis: ax,
    indexStrides: x.shape.map((_, k) => (k === ax ? 1 : 0)),
  });
}

function argReduce(op: ArgReduceOp, x: Tensor, axis: number | undefined, keepdims: boolean): Tensor {
  if (x.size === 0) throw new Error(`${op}: ${x.describe()} is empty`);
  const flat = axis === undefined;
  const src = flat ? x.reshape([x.size]) : x;
  const ax = flat ? 0 : normalizeAxis(op, axis, x.rank);
  if (src.rank === 0) {
    const zero = zeros(keepdims ? x.shape : [], { dtype: 'int32', backend: x.backend });
    return zero;
  }
  const outShape = src.shape.filter((_, k) => k !== ax);
  const out = empty(x.backend, outShape, 'int32');
  x.backend.argReduce(op, src.buf, src.shape, ax, out.buf);
  if (src !== x) src.dispose();
  if (!keepdims) return out;
  return withShape(out, flat ? x.shape.map(() => 1) : x.shape.map((d, k) => (k === ax ? 1 : d)));
}

/**
 * The position of the largest element along `axis` (of the flattened tensor when no axis is
 * given), as int32. Ties give the first position; a NaN counts as larger than every number, so a
 * row holding NaN answers the first NaN's position (as in PyTorch). Not differentiable.
 *
 * @example
 * ```ts
 * const predicted = logits.argmax(1); // [batch] int32 class indices
 * ```
 */
export const argmax = (x: Tensor, axis?: number, keepdims = false): Tensor => argReduce('argmax', x, axis, keepdims);

/** The position of the smallest element along `axis` (int32): like argmax, with NaN counted as smallest. */
export const argmin = (x: Tensor, axis?: number, keepdims = false): Tensor => argReduce('argmin', x, axis, keepdims);
