// The default CPU backend: the reference backend (cpu/) with its hot float32 kernels replaced —
// matmul and Adam on WebAssembly SIMD kernels of our own (wasm-gemm.ts, wasm-adam.ts),
// elementwise maps and contiguous reductions as tighter JavaScript loops; freed buffers are
// reused. Everything else, every float64 computation (gradcheck's finite differences) and any
// primitive without a fast version runs the reference's plain loops. Buffers are the
// reference's typed arrays, so both backends read the same memory.
// Every fast kernel is property-tested against the reference (test/kernels/cpu-fast*.test.ts).
import type { AdamDesc, Buf, DType, MapInput, MatmulDesc, ReduceOp, Shape, TypedArray } from '../backend.js';
import { CpuBackend } from '../cpu/cpu-backend.js';
import { asCpu } from '../cpu/cpu-buffer.js';
import { checkMapOutput, type MapOp } from '../elementwise.js';
import { BufferPool } from './buffer-pool.js';
import { fastMap } from './map.js';
import { fastReduce } from './reduce.js';
import { fastRowSums } from './row-sums.js';
import { wasmAdam } from './wasm-adam.js';
import { WasmGemm } from './wasm-gemm.js';
import { createWasmRuntime, type WasmRuntime } from './wasm-runtime.js';

const f32 = (buf: Buf | undefined): Float32Array | null => {
  const data = buf && asCpu(buf).data;
  return data instanceof Float32Array ? data : null;
};
const isFloat64 = (buf: Buf): boolean => buf.dtype === 'float64';

export class FastCpuBackend extends CpuBackend {
  override readonly description: string;
  private readonly wasm: WasmRuntime | null = createWasmRuntime();
  private readonly gemm: WasmGemm | null = this.wasm && new WasmGemm(this.wasm);

  constructor() {
    super();
    this.description = this.wasm
      ? 'CPU (WebAssembly SIMD matmul and Adam, JavaScript loops)'
      : 'CPU (JavaScript loops; no WebAssembly SIMD here, so the reference matmul and Adam)';
  }

  /** Whether matmul and Adam run on WebAssembly SIMD (false: the reference loops). */
  get simd(): boolean {
    return this.wasm !== null;
  }

  /** Freed buffers kept for reuse (up to 64 MiB). */
  readonly pool = new BufferPool();

  override alloc(size: number, dtype: DType): Buf {
    return this.pool.take(size, dtype) ?? super.alloc(size, dtype);
  }
  override free(buf: Buf): void {
    this.pool.give(asCpu(buf));
  }
  override upload(data: TypedArray, dtype: DType): Buf {
    const buf = this.pool.take(data.length, dtype);
    if (!buf) return super.upload(data, dtype);
    buf.data.set(data);
    return buf;
  }

  override matmul(a: Buf, b: Buf, out: Buf, desc: MatmulDesc): void {
    const [fa, fb, fo, bias] = [f32(a), f32(b), f32(out), f32(desc.bias)];
    if (this.gemm && fa && fb && fo && (bias || !desc.bias)) {
      fastRowSums(fa, desc); // a Linear layer's bias gradient, when asked for (MatmulDesc.rowSums)
      this.gemm.matmul(fa, fb, fo, desc, bias ?? undefined, desc.activation ?? 'none');
    } else super.matmul(a, b, out, desc);
  }

  override map(op: MapOp, inputs: readonly MapInput[], out: Buf, outShape: Shape, param?: number): void {
    if (isFloat64(out) || inputs.some((i) => isFloat64(i.buf))) {
      super.map(op, inputs, out, outShape, param);
      return;
    }
    checkMapOutput(
      op,
      inputs.map((i) => i.buf.dtype),
      out.dtype,
    );
    fastMap(op, inputs, asCpu(out), outShape, param);
  }

  override reduce(op: ReduceOp, x: Buf, inShape: Shape, axes: readonly number[], out: Buf): void {
    const done = !isFloat64(x) && fastReduce(op, asCpu(x), inShape, axes, asCpu(out));
    if (!done) super.reduce(op, x, inShape, axes, out);
  }

  override adam(param: Buf, grad: Buf, m: Buf, v: Buf, desc: AdamDesc): void {
    const [p, g, fm, fv] = [f32(param), f32(grad), f32(m), f32(v)];
    if (this.wasm && p && g && fm && fv) wasmAdam(this.wasm, p, g, fm, fv, desc);
    else super.adam(param, grad, m, v, desc);
  }
}
