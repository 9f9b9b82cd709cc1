// The Backend interface: the few primitives every backend (CPU reference, WebGPU) implements.
// Everything a Tensor can do is composed from these. Buffers are always dense and row-major;
// views (transpose, slice, broadcast) are made by `copy` with strides, never aliased.
import type { MapOp } from './elementwise.js';

/** Element types: float32 everywhere, int32 (indices, labels), float64 on the CPU (gradcheck). */
export type DType = 'float32' | 'int32' | 'float64';
/** The typed arrays that hold a tensor's elements on the host (`await t.data()`). */
export type TypedArray = Float32Array | Int32Array | Float64Array;
/** The size of each axis, outermost first. */
export type Shape = readonly number[];

/** An opaque block of device memory holding `size` elements of `dtype`. */
export interface Buf {
  readonly size: number;
  readonly dtype: DType;
}

/** One input of `map`: its buffer and its shape, broadcast (NumPy rules) to the output shape. */
export interface MapInput {
  buf: Buf;
  shape: Shape;
}

export type Activation = 'none' | 'relu' | 'sigmoid' | 'tanh';

/**
 * out[b] = act(opA(A[b]) · opB(B[b]) + bias), for b < batch, where opA(A) is M×K and opB(B) is K×N.
 * With transA, A[b] is stored K×M; with transB, B[b] is stored N×K. A batch stride of 0
 * reuses the same matrix for every batch entry (a 2-D weight against batched inputs).
 */
export interface MatmulDesc {
  batch: number;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  aBatchStride: number;
  bBatchStride: number;
  /** N values added to every output row before the activation. */
  bias?: Buf;
  activation?: Activation;
  /**
   * A second output, from the same pass over A (batch 1 only): rowSums[i] = Σ_p op(A)[i][p],
   * M values. A Linear layer's weight gradient gzᵀ·x gets its bias gradient (the column sums of
   * gz) this way, without a reduction of its own.
   */
  rowSums?: Buf;
}

/** Where a strided view starts and how far each index step moves, in elements. */
export interface Layout {
  offset: number;
  strides: readonly number[];
}

export type ReduceOp = 'sum' | 'max' | 'min';
/** Which element an arg-reduction picks: the largest or the smallest. */
export type ArgReduceOp = 'argmax' | 'argmin';

/**
 * Indexing along one axis, shared by gather and its adjoint scatterAdd. For every position c of
 * `shape` the element read (gather) or added to (scatterAdd) is the one of the indexed tensor
 * (shape `xShape`) at c with c[axis] replaced by index[Σ c[d]·indexStrides[d]].
 * `shape` has xShape's rank and is no larger off `axis` (torch.gather's rule). A stride of 0
 * reuses one index along an axis: indexSelect is gather with index strides 1 on `axis`, 0 elsewhere.
 * An index outside [0, xShape[axis]) reads 0 and adds nothing (the ops reject such indices first).
 */
export interface GatherDesc {
  xShape: Shape;
  shape: Shape;
  axis: number;
  indexStrides: readonly number[];
}
export type RandomDist = 'uniform' | 'normal';

export interface RandomDesc {
  /** 64-bit seed as two u32 words: the Philox key. */
  seed: readonly [number, number];
  /** Which random call this is (two u32 words); element i uses counter (i, stream[0], stream[1], 0). */
  stream: readonly [number, number];
  dist: RandomDist;
}

/** The fused Adam update for one parameter (decoupled from autograd: plain buffers in, in place). */
export interface AdamDesc {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** 1 - beta1^t and 1 - beta2^t for the current step t. */
  bias1: number;
  bias2: number;
}

/** An int32 found outside [0, limit) by checkIndices: its flat position and its value. */
export interface IndexViolation {
  position: number;
  value: number;
}

/**
 * A place tensors live and kernels run: the CPU backends ('cpu', and the reference loops of
 * 'cpu-reference') or WebGPU. Every tensor has one (`t.backend`); pass one to creation functions
 * (`{ backend }`) or move a tensor with `await t.to(backend)`. Its kernel primitives are the
 * engine's internals (src/kernels/backend.ts) and not part of the documented API.
 */
export interface Backend {
  /** 'cpu' for both CPU backends, or 'webgpu'. */
  readonly name: 'cpu' | 'webgpu';
  /** A human-readable line: the device, adapter or driver. */
  readonly description: string;
  /** Element types this backend can store. */
  readonly dtypes: readonly DType[];
  /** The largest buffer, in bytes, this backend can allocate (WebGPU: the storage binding limit). */
  readonly maxBufferBytes: number;

  /** @internal New buffer; its contents are unspecified until written. */
  alloc(size: number, dtype: DType): Buf;
  /** @internal Frees a buffer (the runtime pools it). */
  free(buf: Buf): void;
  /** @internal A new buffer holding `data` as `dtype`. */
  upload(data: TypedArray, dtype: DType): Buf;
  /** @internal Reads a buffer back to the host, after all work queued before it. */
  read(buf: Buf): Promise<TypedArray>;

  /** @internal Sets every element of `out` to `value`. */
  fill(out: Buf, value: number): void;
  /**
   * out = op(inputs...) elementwise, inputs broadcast to outShape; `param` is the op's scalar.
   * @internal
   */
  map(op: MapOp, inputs: readonly MapInput[], out: Buf, outShape: Shape, param?: number): void;
  /** @internal out = act(opA(A) · opB(B) + bias), batched (see MatmulDesc). */
  matmul(a: Buf, b: Buf, out: Buf, desc: MatmulDesc): void;
  /**
   * Reduces `axes` of x (shape inShape); out has inShape's size with those axes removed.
   * @internal
   */
  reduce(op: ReduceOp, x: Buf, inShape: Shape, axes: readonly number[], out: Buf): void;
  /**
   * out = scale · Σ over `axes` of op(inputs) for float inputs of the same shape inShape: an
   * elementwise op of the table folded straight into a sum, the terms never stored (a VAE's BCE
   * and KL terms, a mean). Optional: without it the tensor layer runs map, reduce and a scaling.
   * @internal
   */
  mapSum?(
    op: MapOp,
    inputs: readonly Buf[],
    inShape: Shape,
    axes: readonly number[],
    out: Buf,
    opts?: { param?: number; scale?: number },
  ): void;
  /**
   * out (int32, inShape without `axis`) = the position along `axis` of the largest (argmax) or
   * smallest (argmin) element. Ties go to the first position; a NaN beats every number (the first
   * NaN's position is the answer, as in PyTorch, where max and min propagate NaN too).
   * @internal
   */
  argReduce(op: ArgReduceOp, x: Buf, inShape: Shape, axis: number, out: Buf): void;
  /**
   * out (desc.shape, x's dtype) = x gathered along desc.axis by the int32 index (see GatherDesc).
   * @internal
   */
  gather(x: Buf, index: Buf, out: Buf, desc: GatherDesc): void;
  /**
   * out (desc.xShape, float) = zeros with every src element (desc.shape) added where gather would read it.
   * @internal
   */
  scatterAdd(src: Buf, index: Buf, out: Buf, desc: GatherDesc): void;
  /** @internal dst[dstLayout(i)] = src[srcLayout(i)] for every index i of `shape`. */
  copy(src: Buf, srcLayout: Layout, dst: Buf, dstLayout: Layout, shape: Shape): void;
  /**
   * Fills out with counter-based random numbers: the same on every backend for the same desc.
   * @internal
   */
  random(out: Buf, desc: RandomDesc): void;
  /** @internal One Adam step, in place on param, m and v. */
  adam(param: Buf, grad: Buf, m: Buf, v: Buf, desc: AdamDesc): void;
  /**
   * Optional: buffers of these sizes laid into one allocation (each still a Buf of its own, freed
   * on its own), so that a kernel can update them all at once (adamParts).
   * @internal
   */
  allocParts?(sizes: readonly number[], dtype: DType): Buf[];
  /**
   * Optional, with allocParts: the Adam step for every parameter at once (one dispatch on
   * WebGPU), where params, m and v are each the parts of one allocation, laid out alike.
   * @internal
   */
  adamParts?(params: readonly Buf[], grads: readonly Buf[], m: readonly Buf[], v: readonly Buf[], desc: AdamDesc): void;

  /**
   * Checks that every int32 of buf lies in [0, limit); `fail` builds the error for the first
   * value that does not. The CPU throws it at once. WebGPU checks on the device and throws it
   * at the next readback (read() rejects with it): the values live on the device, and waiting
   * for them here would stall the queue.
   * @internal
   */
  checkIndices(buf: Buf, limit: number, fail: (v: IndexViolation) => Error): void;

  /** Sends queued work to the device (a no-op on the CPU). */
  flush(): void;
  /** Resolves when the device has finished all work queued so far (at once on the CPU). */
  sync(): Promise<void>;
  /** Releases the device; the backend is unusable afterwards. */
  destroy(): void;
}
