// Running kernels on tensors, without autograd: allocate the output, check the inputs
// (same backend, alive, the right dtype), call the backend primitive. The differentiable ops
// in ops/ are built from these.
import type { Backend, DType, Layout, MatmulDesc, ReduceOp, Shape, TypedArray } from '../kernels/backend.js';
import { MAP_OPS, type MapOp } from '../kernels/elementwise.js';
import { contiguousStrides } from '../kernels/layout.js';
import { broadcastShapes, fmt, shapesEqual, sizeOf } from './shape.js';
import { Storage } from './storage.js';
import { Tensor } from './tensor.js';

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/** A strided copy of src into dst (see Backend.copy). */
export function runCopy(src: Tensor, from: Layout, dst: Tensor, to: Layout, shape: Shape): void {
  sameBackend('copy', [src, dst]);
  if (sizeOf(shape) > 0) src.backend.copy(src.buf, from, dst.buf, to, shape);
}

/** A fresh tensor on `backend`; its contents are unspecified until a kernel writes them. */
const BYTES_PER: Record<DType, number> = { float32: 4, int32: 4, float64: 8 };

/**
 * A fresh tensor on `backend`; its contents are unspecified until a kernel writes them. `op`
 * names the caller when the shape is too large for the backend's largest buffer.
 */
export function empty(backend: Backend, shape: Shape, dtype: DType, op = 'alloc'): Tensor {
  checkDType(backend, dtype);
  checkFits(op, backend, shape, dtype);
  return new Tensor(new Storage(backend, backend.alloc(sizeOf(shape), dtype)), shape, dtype);
}

/** Throws, naming op, shape and the limit, when a tensor of this shape cannot be allocated on backend. */
export function checkFits(op: string, backend: Backend, shape: Shape, dtype: DType): void {
  const bytes = sizeOf(shape) * BYTES_PER[dtype];
  if (bytes > backend.maxBufferBytes)
    throw new Error(
      `${op}: a ${dtype}${fmt(shape)} tensor needs ${bytes.toLocaleString('en')} bytes, more than the ` +
        `${backend.name} backend's largest buffer (${backend.maxBufferBytes.toLocaleString('en')} bytes)`,
    );
}

/** int32 data up to this many values keeps a host copy (see Storage.hostInt32). */
export const HOST_INT32_MAX = 1 << 20;

export function fromTypedArray(backend: Backend, data: TypedArray, shape: Shape, dtype: DType): Tensor {
  checkDType(backend, dtype);
  checkFits('tensor', backend, shape, dtype);
  const storage = new Storage(backend, backend.upload(data, dtype));
  if (dtype === 'int32' && data.length <= HOST_INT32_MAX) storage.hostInt32 = Int32Array.from(data);
  return new Tensor(storage, shape, dtype);
}

function checkDType(backend: Backend, dtype: DType): void {
  if (!backend.dtypes.includes(dtype)) {
    throw new Error(
      `the ${backend.name} backend does not support ${dtype} (it has ${backend.dtypes.join(', ')}); ` +
        `${dtype === 'float64' ? 'float64 is for the cpu backend (gradcheck)' : ''}`,
    );
  }
}

/** The common backend of an op's inputs, or an error naming the op and the backends. */
export function sameBackend(op: string, tensors: readonly Tensor[]): Backend {
  const [first] = tensors;
  if (!first) throw new Error(`internal: ${op} got no tensors`);
  const b = first.backend;
  for (const t of tensors) {
    if (t.backend !== b) {
      throw new Error(
        `${op}: inputs live on different backends ` +
          `(${tensors.map((x) => `${x.describe()} on ${x.backend.name}`).join(', ')}); move them with .to()`,
      );
    }
  }
  return b;
}

/** The float dtype an op computes in: every float input must agree; int32 is refused. */
export function floatDType(op: string, tensors: readonly Tensor[]): DType {
  const [first] = tensors;
  if (!first) throw new Error(`internal: ${op} got no tensors`);
  const dtype = first.dtype;
  for (const t of tensors) {
    if (!isFloat(t.dtype))
      throw new Error(`${op}: ${t.describe()} is int32 where a float tensor is needed (use .toFloat())`);
    if (t.dtype !== dtype) throw new Error(`${op}: mixed dtypes ${tensors.map((x) => x.dtype).join(' and ')}`);
  }
  return dtype;
}

export interface MapOptions {
  /** The op's scalar parameter (p in the op table). */
  param?: number;
  /** Output dtype; by default the inputs' common float dtype. */
  dtype?: DType;
  /** Output shape; by default the broadcast of the inputs' shapes. */
  shape?: Shape;
}

/** out = op(inputs...) elementwise, with broadcasting. */
export function runMap(name: string, op: MapOp, inputs: readonly Tensor[], opts: MapOptions = {}): Tensor {
  if (inputs.length !== MAP_OPS[op].arity) throw new Error(`internal: ${op} takes ${MAP_OPS[op].arity} inputs`);
  const backend = sameBackend(name, inputs);
  const dtype = opts.dtype ?? floatDType(name, inputs);
  const shape = opts.shape
    ? broadcastShapes(name, opts.shape, ...inputs.map((t) => t.shape))
    : broadcastShapes(name, ...inputs.map((t) => t.shape));
  if (opts.shape && !shapesEqual(shape, opts.shape)) {
    throw new Error(`${name}: cannot broadcast ${inputs.map((t) => fmt(t.shape)).join(', ')} to ${fmt(opts.shape)}`);
  }
  const out = empty(backend, shape, dtype, name);
  if (out.size > 0)
    backend.map(
      op,
      inputs.map((t) => ({ buf: t.buf, shape: t.shape })),
      out.buf,
      shape,
      opts.param,
    );
  return out;
}

/** The same data under a new shape of the same size; consumes t (which must be fresh, graph-free). */
export function withShape(t: Tensor, shape: Shape): Tensor {
  if (shapesEqual(t.shape, shape)) return t;
  const out = new Tensor(t.storage.retain(), shape, t.dtype);
  t.dispose();
  return out;
}

/** Reduces the given (normalised, sorted) axes away. */
export function runReduce(op: ReduceOp, x: Tensor, axes: readonly number[]): Tensor {
  const shape = x.shape.filter((_, i) => !axes.includes(i));
  if (axes.length === 0) return runMap(op, 'identity', [x]);
  const out = empty(x.backend, shape, x.dtype, op);
  if (x.size === 0 && op !== 'sum') throw new Error(`${op}: cannot reduce the empty tensor ${x.describe()}`);
  if (x.size === 0) x.backend.fill(out.buf, 0);
  else if (out.size > 0) x.backend.reduce(op, x.buf, x.shape, axes, out.buf);
  return out;
}

export function runMatmul(
  name: string,
  a: Tensor,
  b: Tensor,
  outShape: Shape,
  desc: MatmulDesc,
  bias?: Tensor,
): Tensor {
  const backend = sameBackend(name, bias ? [a, b, bias] : [a, b]);
  const dtype = floatDType(name, bias ? [a, b, bias] : [a, b]);
  const out = empty(backend, outShape, dtype, name);
  if (out.size === 0) return out;
  if (desc.k === 0) {
    if (bias)
      throw new Error(
        `${name}: inner dimension is 0; a fused bias would be the whole result, which this path does not compute`,
      );
    backend.fill(out.buf, 0);
    return out;
  }
  backend.matmul(a.buf, b.buf, out.buf, bias ? { ...desc, bias: bias.buf } : desc);
  return out;
}

/**
 * scale · Σ over `axes` (normalised, sorted) of op(inputs), for float inputs of one shape: a
 * single kernel where the backend has mapSum (the terms are never stored), else map, reduce
 * and a scaling.
 */
export function runMapSum(
  name: string,
  op: MapOp,
  inputs: readonly Tensor[],
  axes: readonly number[],
  opts: { param?: number; scale?: number } = {},
): Tensor {
  const backend = sameBackend(name, inputs);
  const dtype = floatDType(name, inputs);
  const shape = inputs[0]!.shape;
  if (!inputs.every((t) => shapesEqual(t.shape, shape)))
    throw new Error(`internal: ${name}: mapSum needs inputs of one shape, got ${inputs.map((t) => fmt(t.shape))}`);
  const scale = opts.scale ?? 1;
  if (backend.mapSum && sizeOf(shape) > 0) {
    const out = empty(
      backend,
      shape.filter((_, i) => !axes.includes(i)),
      dtype,
    );
    backend.mapSum(
      op,
      inputs.map((t) => t.buf),
      shape,
      axes,
      out.buf,
      { param: opts.param ?? 0, scale },
    );
    return out;
  }
  const terms = runMap(name, op, inputs, { param: opts.param });
  const sum = runReduce('sum', terms, axes);
  terms.dispose();
  if (scale === 1) return sum;
  const scaled = runMap(name, 'mulScalar', [sum], { param: scale });
  sum.dispose();
  return scaled;
}

/**
 * Copies of `tensors` laid into one allocation of their backend (Backend.allocParts), each a
 * tensor of its own; null when the backend cannot do that. An optimizer packs its parameters and
 * moments this way so that one kernel updates all of them.
 */
export function packedCopies(tensors: readonly Tensor[]): Tensor[] | null {
  const backend = tensors[0]?.backend;
  if (!backend?.allocParts || !tensors.every((t) => t.backend === backend)) return null;
  const dtype = tensors[0]!.dtype;
  if (!tensors.every((t) => t.dtype === dtype)) return null;
  const parts = backend.allocParts(
    tensors.map((t) => t.size),
    dtype,
  );
  return tensors.map((t, i) => {
    const part = new Tensor(new Storage(backend, parts[i]!), t.shape, dtype);
    const layout = { offset: 0, strides: contiguousStrides(t.shape) };
    if (t.size > 0) runCopy(t, layout, part, layout, t.shape);
    return part;
  });
}
