// Creating tensors: from data, constant fills, ranges, and seeded random draws.
import type { Backend, DType, Shape, TypedArray } from '../kernels/backend.js';
import { currentBackend, defaultFloatDType } from './backends.js';
import { checkFits, empty, fromTypedArray, HOST_INT32_MAX } from './dispatch.js';
import { nextRandomCall } from './random.js';
import { at, checkShape, fmt, sizeOf } from './shape.js';
import type { NestedArray, Tensor } from './tensor.js';

/** Options of the creation functions (`tensor`, `zeros`, `randn` ...). */
export interface CreateOptions {
  /** The element type (default: the default float dtype, float32; int32 for an Int32Array given to `tensor`). */
  dtype?: DType;
  /** Mark the new tensor as a leaf whose gradient `backward()` accumulates. */
  requiresGrad?: boolean;
  /** Defaults to the backend chosen with useBackend(). */
  backend?: Backend;
}

function finish(t: Tensor, opts: CreateOptions): Tensor {
  if (opts.requiresGrad) t.requireGrad();
  return t;
}

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    const [inner] = level;
    if (inner === undefined) break;
    level = inner;
  }
  return shape;
}

function flatten(data: NestedArray, shape: number[], depth: number, out: number[]): void {
  if (depth === shape.length) {
    if (typeof data !== 'number') throw new Error(`tensor: ragged nested array (expected a number at depth ${depth})`);
    out.push(data);
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[depth]) {
    throw new Error(
      `tensor: ragged nested array (expected ${shape[depth]} elements at depth ${depth}, shape ${fmt(shape)})`,
    );
  }
  for (const d of data) flatten(d, shape, depth + 1, out);
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function typedFor(dtype: DType, values: ArrayLike<number>): TypedArray {
  if (dtype === 'int32') {
    if (values instanceof Int32Array) return Int32Array.from(values);
    for (let i = 0; i < values.length; i++) {
      const v = at(values, i);
      if (!Number.isInteger(v)) throw new Error(`tensor: int32 data must be integers, got ${v} at index ${i}`);
      if (v < INT32_MIN || v > INT32_MAX)
        throw new Error(`tensor: ${v} at index ${i} does not fit int32 ([${INT32_MIN}, ${INT32_MAX}])`);
    }
    return Int32Array.from(values);
  }
  return dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
}

/**
 * A tensor from nested arrays (shape inferred) or a flat typed/plain array with a shape.
 * The dtype defaults to int32 for an Int32Array and to the default float dtype otherwise.
 */
export function tensor(data: NestedArray | TypedArray | number[], shape?: number[], opts: CreateOptions = {}): Tensor {
  let values: ArrayLike<number>;
  let inferred: number[];
  if (ArrayBuffer.isView(data)) {
    values = data;
    inferred = [data.length];
  } else {
    inferred = inferShape(data);
    const flat: number[] = [];
    flatten(data, inferred, 0, flat);
    values = flat;
  }
  const finalShape = shape ?? inferred;
  checkShape('tensor', finalShape);
  if (sizeOf(finalShape) !== values.length) {
    throw new Error(
      `tensor: ${values.length} values do not fill shape ${fmt(finalShape)} (${sizeOf(finalShape)} elements)`,
    );
  }
  const dtype = opts.dtype ?? (data instanceof Int32Array ? 'int32' : defaultFloatDType());
  const backend = opts.backend ?? currentBackend();
  return finish(fromTypedArray(backend, typedFor(dtype, values), finalShape, dtype), opts);
}

/**
 * A tensor of `shape` with every element `value`.
 *
 * @example
 * ```ts
 * const bias = full([10], 0.1);
 * ```
 */
export function full(shape: Shape, value: number, opts: CreateOptions = {}): Tensor {
  return filled('full', shape, value, opts);
}

/** full, with errors naming `op` (zeros, ones). */
function filled(op: string, shape: Shape, value: number, opts: CreateOptions): Tensor {
  checkShape(op, shape);
  const dtype = opts.dtype ?? defaultFloatDType();
  if (dtype === 'int32' && !Number.isInteger(value))
    throw new Error(`${op}: int32 fill value must be an integer, got ${value}`);
  if (dtype === 'int32' && (value < INT32_MIN || value > INT32_MAX))
    throw new Error(`${op}: ${value} does not fit int32 ([${INT32_MIN}, ${INT32_MAX}])`);
  const t = empty(opts.backend ?? currentBackend(), shape, dtype, op);
  if (t.size > 0) t.backend.fill(t.buf, value);
  if (dtype === 'int32' && t.size <= HOST_INT32_MAX) t.storage.hostInt32 = new Int32Array(t.size).fill(value);
  return finish(t, opts);
}

/** A tensor of `shape` filled with 0. */
export const zeros = (shape: Shape, opts: CreateOptions = {}): Tensor => filled('zeros', shape, 0, opts);
/** A tensor of `shape` filled with 1. */
export const ones = (shape: Shape, opts: CreateOptions = {}): Tensor => filled('ones', shape, 1, opts);

/** start, start+step, ... below end (like numpy.arange). */
export function arange(start: number, end?: number, step = 1, opts: CreateOptions = {}): Tensor {
  if (end === undefined) [start, end] = [0, start];
  if (step === 0 || !Number.isFinite(step)) throw new Error(`arange: step must be finite and non-zero, got ${step}`);
  if (!Number.isFinite(start) || !Number.isFinite(end))
    throw new Error(`arange: start and end must be finite numbers, got ${start} and ${end}`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  checkFits('arange', opts.backend ?? currentBackend(), [n], opts.dtype ?? defaultFloatDType());
  const values = Array.from({ length: n }, (_, i) => start + i * step);
  return tensor(values, [n], opts);
}

function random(op: string, shape: Shape, dist: 'uniform' | 'normal', opts: CreateOptions): Tensor {
  checkShape(op, shape);
  const dtype = opts.dtype ?? defaultFloatDType();
  if (dtype === 'int32') throw new Error(`${op}: random tensors are float; got dtype int32`);
  const t = empty(opts.backend ?? currentBackend(), shape, dtype, op);
  const call = nextRandomCall();
  if (t.size > 0) t.backend.random(t.buf, { ...call, dist });
  return finish(t, opts);
}

/** Uniform on (0, 1), from the seeded counter-based generator (see manualSeed). */
export const rand = (shape: Shape, opts: CreateOptions = {}): Tensor => random('rand', shape, 'uniform', opts);
/** Standard normal, from the seeded counter-based generator (see manualSeed). */
export const randn = (shape: Shape, opts: CreateOptions = {}): Tensor => random('randn', shape, 'normal', opts);
