// Shape ops. reshape shares storage; the others copy through one strided-copy primitive:
// permute reads with permuted strides, slice reads from an offset, concat writes each input
// at its offset, expand reads broadcast dims with stride 0.
import { record } from '../../autograd/record.js';
import type { Layout } from '../../kernels/backend.js';
import { defaultFloatDType } from '../backends.js';
import { tensor, zeros } from '../creation.js';
import { empty, HOST_INT32_MAX, runCopy, runMap, sameBackend } from '../dispatch.js';
import { checkIndices, plural } from '../indices.js';
import { at, contiguousStrides, fmt, normalizeAxis, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { sumToShape } from './sum-to-shape.js';

const dense = (shape: readonly number[], offset = 0): Layout => ({ offset, strides: contiguousStrides(shape) });

/** Resolves one -1 in a requested shape. */
function resolveShape(x: Tensor, shape: readonly number[]): number[] {
  const free = shape.filter((d) => d === -1).length;
  const known = shape.reduce((n, d) => (d === -1 ? n : n * d), 1);
  const bad = () => new Error(`reshape: cannot reshape ${x.describe()} (${x.size} elements) to ${fmt(shape)}`);
  if (free > 1 || shape.some((d) => !Number.isInteger(d) || d < -1)) throw bad();
  const out = shape.map((d) => (d === -1 ? (known === 0 ? 0 : x.size / known) : d));
  if (sizeOf(out) !== x.size || out.some((d) => !Number.isInteger(d))) throw bad();
  return out;
}

// same data, new shape;  dx = dy reshaped back
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = resolveShape(x, shape);
  const xShape = x.shape;
  const y = new Tensor(x.storage.retain(), target, x.dtype);
  return record('reshape', [x], y, [], (dy) => [dy.reshape([...xShape])]);
}

// y[i0..] = x[i_perm[0]..];  dx = dy permuted by the inverse permutation
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  const axes = perm.map((a) => normalizeAxis('permute', a, x.rank));
  if (axes.length !== x.rank || new Set(axes).size !== x.rank) {
    throw new Error(`permute: [${perm.join(',')}] is not a permutation of the ${x.rank} axes of ${x.describe()}`);
  }
  const strides = contiguousStrides(x.shape);
  const shape = axes.map((a) => at(x.shape, a, 'axis'));
  const y = empty(x.backend, shape, x.dtype);
  runCopy(x, { offset: 0, strides: axes.map((a) => at(strides, a, 'axis')) }, y, dense(shape), shape);
  const inverse = axes.map((_, i) => axes.indexOf(i));
  return record('permute', [x], y, [], (dy) => [permute(dy, inverse)]);
}

export function transpose(x: Tensor, axis0 = -2, axis1 = -1): Tensor {
  if (x.rank < 2) throw new Error(`transpose: ${x.describe()} has fewer than 2 axes`);
  const [a, b] = [normalizeAxis('transpose', axis0, x.rank), normalizeAxis('transpose', axis1, x.rank)];
  return permute(
    x,
    x.shape.map((_, i) => (i === a ? b : i === b ? a : i)),
  );
}

// y = x[start:end] along axis;  dx = dy placed at start in zeros
export function slice(x: Tensor, axis: number, start: number, end?: number): Tensor {
  const ax = normalizeAxis('slice', axis, x.rank);
  const len = at(x.shape, ax, 'axis');
  const clamp = (i: number) => Math.min(Math.max(i < 0 ? i + len : i, 0), len);
  const [s, e] = [clamp(start), clamp(end ?? len)];
  if (!Number.isInteger(start) || (end !== undefined && !Number.isInteger(end)) || e < s) {
    throw new Error(`slice: [${start}, ${end ?? len}) along axis ${axis} is not a valid range of ${x.describe()}`);
  }
  const shape = x.shape.map((d, i) => (i === ax ? e - s : d));
  const strides = contiguousStrides(x.shape);
  const offset = s * at(strides, ax, 'axis');
  const y = empty(x.backend, shape, x.dtype);
  runCopy(x, { offset, strides }, y, dense(shape), shape);
  const xShape = x.shape;
  return record('slice', [x], y, [], (dy) => {
    const dx = zeros(xShape, { dtype: dy.dtype, backend: dy.backend });
    runCopy(dy, dense(dy.shape), dx, { offset, strides }, dy.shape);
    return [dx];
  });
}

// y = x broadcast to shape;  dx = dy summed back
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const xShape = x.shape;
  const y = runMap('expand', 'identity', [x], { shape, dtype: x.dtype });
  return record('expand', [x], y, [], (dy) => [sumToShape(dy, xShape)]);
}

// y = [t0 t1 ...] along axis;  dt_i = the matching slice of dy
/**
 * Joins tensors along `axis` (all of one dtype and backend, equal sizes on the other axes).
 *
 * @example
 * ```ts
 * const xy = concat([x, oneHot(labels, 10)], 1); // [batch, 784] and [batch, 10] -> [batch, 794]
 * ```
 */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  const [first] = tensors;
  if (!first) throw new Error('concat: needs at least one tensor');
  const ax = normalizeAxis('concat', axis, first.rank);
  sameBackend('concat', tensors);
  for (const t of tensors) {
    const ok =
      t.rank === first.rank && t.dtype === first.dtype && t.shape.every((d, i) => i === ax || d === first.shape[i]);
    if (!ok) throw new Error(`concat: ${tensors.map((x) => x.describe()).join(', ')} differ outside axis ${axis}`);
  }
  // each piece's extent [start, start + len) along the axis
  let end = 0;
  const pieces = tensors.map((t) => {
    const len = at(t.shape, ax, 'axis');
    end += len;
    return { t, start: end - len, len };
  });
  const shape = first.shape.map((d, i) => (i === ax ? end : d));
  const y = empty(first.backend, shape, first.dtype);
  const outStrides = contiguousStrides(shape);
  const step = at(outStrides, ax, 'axis');
  for (const { t, start } of pieces)
    runCopy(t, dense(t.shape), y, { offset: start * step, strides: outStrides }, t.shape);
  // int32 pieces whose values are on the host (labels): so is the result (no readback to check it)
  const hosts = pieces.map(({ t, start }) => ({ host: t.storage.hostInt32, start }));
  if (ax === 0 && y.size <= HOST_INT32_MAX && hosts.every(({ host }) => host)) {
    const all = new Int32Array(y.size);
    for (const { host, start } of hosts) if (host) all.set(host, start * step);
    y.storage.hostInt32 = all;
  }
  return record('concat', tensors, y, [], (dy, _, needs) =>
    pieces.map(({ start, len }, i) => (needs[i] ? slice(dy, ax, start, start + len) : null)),
  );
}

/**
 * indices (int32, any shape) -> one-hot float vectors of length n along a new last axis:
 * eq(indices[..., None], [0, 1, ..., n-1]). An index outside [0, n) is an error naming it and
 * its position (see checkIndices for when WebGPU reports it).
 */
export function oneHot(indices: Tensor, n: number): Tensor {
  return namedOneHot('oneHot', 'index', indices, n);
}

/** oneHot whose errors name the caller (`op`) and what the indices are (`what`: 'label'). */
export function namedOneHot(op: string, what: string, indices: Tensor, n: number): Tensor {
  if (indices.dtype !== 'int32') throw new Error(`${op}: ${plural(what)} must be int32, got ${indices.describe()}`);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`${op}: the number of classes must be a positive integer, got ${n}`);
  checkIndices(op, indices, n, what);
  const classes = tensor(
    Int32Array.from({ length: n }, (_, i) => i),
    [n],
    { dtype: 'int32', backend: indices.backend },
  );
  const column = new Tensor(indices.storage.retain(), [...indices.shape, 1], 'int32');
  const y = runMap(op, 'eq', [column, classes], { dtype: defaultFloatDType() });
  column.dispose();
  classes.dispose();
  return y;
}
