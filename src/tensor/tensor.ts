// The Tensor: a shape, a dtype, a storage on some backend, and (when it requires grad) the
// graph node that produced it. Ops are methods here for convenience; each is defined, forward
// and backward together, in src/tensor/ops/.
import type { Node } from '../autograd/node.js';
import { runBackward } from '../autograd/backward.js';
import type { Backend, Buf, DType, Shape, TypedArray } from '../kernels/backend.js';
import * as ew from './ops/elementwise.js';
import * as ix from './ops/indexing.js';
import * as mm from './ops/matmul.js';
import * as red from './ops/reduce.js';
import * as sm from './ops/softmax.js';
import * as views from './ops/views.js';
import { at, fmt, sizeOf } from './shape.js';
import type { Storage } from './storage.js';
import { callSite, type Disposal, unwatch, useAfterFreeMessage, watch } from './lifetime.js';
import { keep, trackInScope } from './tidy.js';
import { resolveBackend } from './backends.js';
import { fromTypedArray } from './dispatch.js';

/** A plain number where an op accepts a tensor or a number (`x.mul(2)`). */
export type Scalar = number;
/** Nested arrays of numbers, as `tensor([[1, 2], [3, 4]])` takes and `toArray()` gives. */
export type NestedArray = number | NestedArray[];

let nextId = 0;
let liveTensors = 0;

/** @internal The number of tensors not yet disposed (memoryStats() reports it). */
export function liveTensorCount(): number {
  return liveTensors;
}

/** @internal The id the next tensor will get: ids at or above it were created after this call. */
export function nextTensorId(): number {
  return nextId;
}

/**
 * An n-dimensional array on a backend (CPU or WebGPU), with reverse-mode autograd.
 *
 * Create tensors with {@link tensor}, {@link zeros}, {@link randn} and friends; ops are methods
 * (`x.matmul(w).relu()`) and return new tensors the caller owns (free them with `dispose()` or
 * let a {@link tidy} scope do it — see docs/memory.md). Reading values back is always async.
 *
 * @example
 * ```ts
 * const w = randn([3, 2]).requireGrad();
 * const loss = tensor([[1, 2, 3]]).matmul(w).square().sum();
 * loss.backward();
 * console.log(await loss.item(), await w.grad!.toArray());
 * ```
 */
export class Tensor {
  /** A number unique to this tensor in this process (creation order). */
  readonly id = nextId++;
  /** The size of each axis, outermost first (`[]` for a scalar). */
  readonly shape: readonly number[];
  /** The element type: 'float32', 'int32', or 'float64' (CPU only, for gradcheck). */
  readonly dtype: DType;
  /** Whether gradients flow to (a leaf) or through (a computed tensor) this tensor. */
  requiresGrad = false;
  /** The accumulated gradient of a leaf after backward(); null until then. */
  grad: Tensor | null = null;
  /** @internal The recorded op that produced this tensor (null for leaves and constants). */
  node: Node | null = null;
  /** @internal The tidy scope this tensor belongs to. */
  scope: Set<Tensor> | null = null;
  private store: Storage | null;
  private readonly counted: boolean;
  /** How this tensor was freed (for the use-after-free message). */
  private freedBy: Disposal | null = null;

  /** @internal Use the creation functions (tensor, zeros, randn ...) instead. */
  constructor(storage: Storage, shape: Shape, dtype: DType, internalHandle = false) {
    this.store = storage;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.counted = !internalHandle;
    if (this.counted) {
      liveTensors++;
      trackInScope(this);
      watch(this, storage.backend.name, storage.bytes);
    }
  }

  /** The number of elements (the product of the shape; 1 for a scalar). */
  get size(): number {
    return sizeOf(this.shape);
  }
  /** The number of axes. */
  get rank(): number {
    return this.shape.length;
  }
  /** True once `dispose()` (or the enclosing `tidy`) freed this tensor. */
  get isDisposed(): boolean {
    return this.store === null;
  }
  /** @internal */
  get storage(): Storage {
    if (!this.store) throw new Error(useAfterFreeMessage(this.describe(), this.freedBy));
    return this.store;
  }
  /** The backend holding this tensor's data (an error if the tensor was disposed). */
  get backend(): Backend {
    return this.storage.backend;
  }
  /** @internal The backend buffer, for kernels. */
  get buf(): Buf {
    return this.storage.buf;
  }

  /** A short description for messages: id, dtype and shape, e.g. `#12 float32[128,784]`. */
  describe(): string {
    return `#${this.id} ${this.dtype}${fmt(this.shape)}`;
  }
  /** `Tensor(#12 float32[2,3] on webgpu)`. */
  toString(): string {
    return `Tensor(${this.describe()}${this.store ? ` on ${this.store.backend.name}` : ', disposed'})`;
  }

  // ---- readback: async on every backend so user code is the same on CPU and GPU ----

  /** The elements in row-major order. */
  async data(): Promise<TypedArray> {
    return this.backend.read(this.buf);
  }
  /** The value of a one-element tensor (any shape of size 1); an error for more elements. */
  async item(): Promise<number> {
    if (this.size !== 1) throw new Error(`item: tensor ${this.describe()} has ${this.size} elements, not 1`);
    return at(await this.data(), 0);
  }
  /** The elements as nested arrays of the tensor's shape (a number for a scalar). */
  async toArray(): Promise<NestedArray> {
    const flat = Array.from(await this.data());
    const build = (axis: number, offset: number): NestedArray => {
      if (axis === this.rank) return at(flat, offset);
      const inner = sizeOf(this.shape.slice(axis + 1));
      return Array.from({ length: at(this.shape, axis, 'axis') }, (_, i) => build(axis + 1, offset + i * inner));
    };
    return build(0, 0);
  }

  /**
   * A copy on another backend ('cpu', 'webgpu' or a Backend), cut from the graph. Moving is a
   * readback plus an upload, so it is async like every readback.
   */
  async to(target: 'cpu' | 'webgpu' | Backend): Promise<Tensor> {
    const backend = resolveBackend(target);
    const data = await this.data();
    return fromTypedArray(backend, data, this.shape, this.dtype);
  }

  // ---- autograd ----

  /** Backpropagates from this tensor: a scalar, or any shape with an explicit seed gradient. */
  backward(seed?: Tensor): void {
    runBackward(this, seed);
  }
  /** Marks a leaf as a parameter whose gradient backward() accumulates. */
  requireGrad(flag = true): this {
    if (flag && this.dtype === 'int32')
      throw new Error(`requireGrad: ${this.describe()} is int32; only float tensors have gradients`);
    if (this.node)
      throw new Error(
        `requireGrad: ${this.describe()} was computed by '${this.node.op}'; only leaves can be marked (use detach())`,
      );
    this.requiresGrad = flag;
    return this;
  }
  /** Frees and clears the accumulated gradient (optimizers' `zeroGrad()` does this for every parameter). */
  zeroGrad(): void {
    this.grad?.dispose();
    this.grad = null;
  }
  /** A tensor sharing this one's data, cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.storage.retain(), this.shape, this.dtype);
  }

  /** @internal A handle on the same storage that tidy does not track (for autograd's saved tensors). */
  savedHandle(): Tensor {
    return new Tensor(this.storage.retain(), this.shape, this.dtype, true);
  }
  /** @internal Replaces this tensor's data with other's (optimizers update parameters in place). */
  assign(other: Tensor): void {
    if (other.dtype !== this.dtype || other.size !== this.size) {
      throw new Error(`assign: ${other.describe()} does not fit ${this.describe()}`);
    }
    const next = other.storage.retain();
    this.storage.release();
    this.store = next;
  }

  /**
   * Frees this tensor's reference to its data (and to its graph); the memory goes back to the
   * backend when no other tensor shares it. Safe to call twice. See docs/memory.md for who owns
   * which tensor.
   */
  dispose(): void {
    this.disposeBy({ by: 'dispose', at: callSite() });
  }

  /** @internal dispose(), saying who freed the tensor (tidy does). */
  disposeBy(how: Disposal): void {
    if (!this.store) return;
    this.store.release();
    this.store = null;
    this.freedBy = how;
    if (this.counted) {
      liveTensors--;
      unwatch(this);
    }
    keep(this);
    const node = this.node;
    this.node = null;
    node?.unref();
    this.grad?.dispose();
    this.grad = null;
  }

  // ---- elementwise (src/tensor/ops/elementwise.ts) ----
  /** `this + other`, broadcasting (NumPy rules). */
  add(other: Tensor | Scalar): Tensor {
    return ew.add(this, other);
  }
  /** `this - other`, broadcasting. */
  sub(other: Tensor | Scalar): Tensor {
    return ew.sub(this, other);
  }
  /** `this * other` elementwise, broadcasting. */
  mul(other: Tensor | Scalar): Tensor {
    return ew.mul(this, other);
  }
  /** `this / other` elementwise, broadcasting. */
  div(other: Tensor | Scalar): Tensor {
    return ew.div(this, other);
  }
  /** `this ** exponent` for a number exponent. */
  pow(exponent: Scalar): Tensor {
    return ew.pow(this, exponent);
  }
  /** The larger of `this` and `other` elementwise (the gradient goes to the larger; to `this` on ties). */
  maximum(other: Tensor | Scalar): Tensor {
    return ew.maximum(this, other);
  }
  /** The smaller of `this` and `other` elementwise (the gradient goes to the smaller; to `this` on ties). */
  minimum(other: Tensor | Scalar): Tensor {
    return ew.minimum(this, other);
  }
  /** `-this`. */
  neg(): Tensor {
    return ew.neg(this);
  }
  /** e to the power of each element. */
  exp(): Tensor {
    return ew.exp(this);
  }
  /** Natural logarithm (`-Infinity` at 0, NaN below). */
  log(): Tensor {
    return ew.log(this);
  }
  /** `log(1 + x)`, accurate for small x. */
  log1p(): Tensor {
    return ew.log1p(this);
  }
  /** Square root. */
  sqrt(): Tensor {
    return ew.sqrt(this);
  }
  /** `x * x`. */
  square(): Tensor {
    return ew.square(this);
  }
  /** Absolute value (gradient 0 at 0). */
  abs(): Tensor {
    return ew.abs(this);
  }
  /** `max(x, 0)`. */
  relu(): Tensor {
    return ew.relu(this);
  }
  /** `1 / (1 + exp(-x))`. */
  sigmoid(): Tensor {
    return ew.sigmoid(this);
  }
  /** Hyperbolic tangent. */
  tanh(): Tensor {
    return ew.tanh(this);
  }
  /** `log(1 + exp(x))`, computed without overflow. */
  softplus(): Tensor {
    return ew.softplus(this);
  }
  /** GELU, exact form: x Φ(x) with Φ the standard normal CDF (PyTorch's default GELU). */
  gelu(): Tensor {
    return ew.gelu(this);
  }
  /** SiLU (swish): x σ(x). */
  silu(): Tensor {
    return ew.silu(this);
  }
  /** `this > other` as 1 or 0 (float; no gradient). The comparisons broadcast like `add`. */
  gt(other: Tensor | Scalar): Tensor {
    return ew.compare('gt', this, other);
  }
  /** `this >= other` as 1 or 0 (float; no gradient). */
  ge(other: Tensor | Scalar): Tensor {
    return ew.compare('ge', this, other);
  }
  /** `this < other` as 1 or 0 (float; no gradient). */
  lt(other: Tensor | Scalar): Tensor {
    return ew.compare('lt', this, other);
  }
  /** `this <= other` as 1 or 0 (float; no gradient). */
  le(other: Tensor | Scalar): Tensor {
    return ew.compare('le', this, other);
  }
  /**
   * `this == other` as 1 or 0 (float; no gradient).
   *
   * @example
   * ```ts
   * const correct = logits.argmax(1).eq(labels).sum(); // labels: int32 class indices
   * ```
   */
  eq(other: Tensor | Scalar): Tensor {
    return ew.compare('eq', this, other);
  }
  /** `this != other` as 1 or 0 (float; no gradient). */
  ne(other: Tensor | Scalar): Tensor {
    return ew.compare('ne', this, other);
  }
  /** int32 -> float (default float dtype), or a float copy. */
  toFloat(): Tensor {
    return ew.toFloat(this);
  }

  // ---- linear algebra and reductions ----
  /**
   * Matrix product. Both operands are at least 2-D; leading (batch) axes broadcast.
   *
   * @example
   * ```ts
   * const y = x.matmul(w); // [batch, in] @ [in, out] -> [batch, out]
   * ```
   */
  matmul(other: Tensor): Tensor {
    return mm.matmul(this, other);
  }
  /** The sum over `axes` (all axes when omitted); `keepdims` keeps them with size 1. */
  sum(axes?: number | number[], keepdims = false): Tensor {
    return red.sum(this, axes, keepdims);
  }
  /** The mean over `axes` (all axes when omitted); `keepdims` keeps them with size 1. */
  mean(axes?: number | number[], keepdims = false): Tensor {
    return red.mean(this, axes, keepdims);
  }
  /** The largest element over `axes` (all when omitted); the gradient is split evenly between tied maxima. */
  max(axes?: number | number[], keepdims = false): Tensor {
    return red.max(this, axes, keepdims);
  }
  /** The smallest element over `axes` (all when omitted); the gradient is split evenly between tied minima. */
  min(axes?: number | number[], keepdims = false): Tensor {
    return red.min(this, axes, keepdims);
  }
  /** `log(sum(exp(x)))` over `axes`, computed stably (the maximum is subtracted first). */
  logsumexp(axes?: number | number[], keepdims = false): Tensor {
    return sm.logsumexp(this, axes, keepdims);
  }
  /** `exp(x) / sum(exp(x))` along `axis` (the last by default). */
  softmax(axis = -1): Tensor {
    return sm.softmax(this, axis);
  }
  /** `x - logsumexp(x)` along `axis` (the last by default): stable log-probabilities. */
  logSoftmax(axis = -1): Tensor {
    return sm.logSoftmax(this, axis);
  }

  // ---- indexing (src/tensor/ops/indexing.ts) ----
  /** torch.gather: `y[c] = x[c with c[axis] = index[c]]`; index is int32 with this tensor's rank. */
  gather(axis: number, index: Tensor): Tensor {
    return ix.gather(this, axis, index);
  }
  /** The slices at the int32 positions `index` (1-D) along axis: rows of a table for axis 0. */
  indexSelect(axis: number, index: Tensor): Tensor {
    return ix.indexSelect(this, axis, index);
  }
  /** int32 position of the largest element along axis (first on ties, NaN counts as largest). */
  argmax(axis?: number, keepdims = false): Tensor {
    return ix.argmax(this, axis, keepdims);
  }
  /** int32 position of the smallest element along axis (first on ties, NaN counts as smallest). */
  argmin(axis?: number, keepdims = false): Tensor {
    return ix.argmin(this, axis, keepdims);
  }

  // ---- shape ----
  /** The same elements in a new shape (one axis may be -1: inferred). Shares the data. */
  reshape(shape: number[]): Tensor {
    return views.reshape(this, shape);
  }
  /** Swaps two axes (by default the last two: the matrix transpose). */
  transpose(axis0 = -2, axis1 = -1): Tensor {
    return views.transpose(this, axis0, axis1);
  }
  /** Reorders the axes: axis i of the result is axis `perm[i]` of this tensor (a copy). */
  permute(perm: number[]): Tensor {
    return views.permute(this, perm);
  }
  /** Elements start..end-1 along axis (negative indices count from the end). */
  slice(axis: number, start: number, end?: number): Tensor {
    return views.slice(this, axis, start, end);
  }
  /** Broadcasts to a larger shape (NumPy rules), copying. */
  expand(shape: number[]): Tensor {
    return views.expand(this, shape);
  }
}

/** True when `v` is a Tensor (a type guard). */
export function isTensor(v: unknown): v is Tensor {
  return v instanceof Tensor;
}

/** Keeps a tensor alive past the enclosing tidy (re-exported from tidy for convenience). */
export { keep };
