// The reference backend: plain loops over typed arrays, obviously correct, float32 and float64.
// Every WebGPU kernel is tested against it.
import type {
  AdamDesc,
  ArgReduceOp,
  Backend,
  Buf,
  DType,
  GatherDesc,
  IndexViolation,
  Layout,
  MapInput,
  MatmulDesc,
  RandomDesc,
  ReduceOp,
  Shape,
  TypedArray,
} from '../backend.js';
import { checkMapOutput, type MapOp } from '../elementwise.js';
import { cpuAdam } from './adam.js';
import { cpuArgReduce } from './arg-reduce.js';
import { cpuCopy } from './copy.js';
import { asCpu, CpuBuf, newTypedArray } from './cpu-buffer.js';
import { cpuGather, cpuScatterAdd } from './gather.js';
import { cpuMap } from './map.js';
import { cpuMatmul } from './matmul.js';
import { cpuRandom } from './random.js';
import { cpuMapSum, cpuReduce } from './reduce.js';

export class CpuBackend implements Backend {
  readonly name = 'cpu' as const;
  readonly description: string = 'CPU reference kernels (JavaScript loops)';
  readonly dtypes: readonly DType[] = ['float32', 'int32', 'float64'];
  /** 4 GiB: beyond what typed arrays allow on every engine (and than a test machine has to spare). */
  readonly maxBufferBytes = 2 ** 32;

  alloc(size: number, dtype: DType): Buf {
    return new CpuBuf(newTypedArray(dtype, size), dtype);
  }
  free(_buf: Buf): void {}
  upload(data: TypedArray, dtype: DType): Buf {
    const buf = newTypedArray(dtype, data.length);
    buf.set(data);
    return new CpuBuf(buf, dtype);
  }
  async read(buf: Buf): Promise<TypedArray> {
    return asCpu(buf).data.slice();
  }
  fill(out: Buf, value: number): void {
    asCpu(out).data.fill(value);
  }
  map(op: MapOp, inputs: readonly MapInput[], out: Buf, outShape: Shape, param?: number): void {
    checkMapOutput(
      op,
      inputs.map((i) => i.buf.dtype),
      out.dtype,
    );
    cpuMap(op, inputs, asCpu(out), outShape, param);
  }
  matmul(a: Buf, b: Buf, out: Buf, desc: MatmulDesc): void {
    cpuMatmul(asCpu(a), asCpu(b), asCpu(out), desc);
  }
  reduce(op: ReduceOp, x: Buf, inShape: Shape, axes: readonly number[], out: Buf): void {
    cpuReduce(op, asCpu(x), inShape, axes, asCpu(out));
  }
  mapSum(
    op: MapOp,
    inputs: readonly Buf[],
    inShape: Shape,
    axes: readonly number[],
    out: Buf,
    opts: { param?: number; scale?: number } = {},
  ): void {
    const [param, scale] = [opts.param ?? 0, opts.scale ?? 1];
    if (out.dtype === 'float64' || inputs.some((b) => b.dtype === 'float64')) {
      cpuMapSum(op, inputs.map(asCpu), inShape, axes, asCpu(out), param, scale); // terms kept in float64
      return;
    }
    // float32: this backend's own map and reduce (a subclass's faster ones), then the scale
    const terms = this.alloc(
      inShape.reduce((n, d) => n * d, 1),
      'float32',
    );
    this.map(
      op,
      inputs.map((buf) => ({ buf, shape: inShape })),
      terms,
      inShape,
      param,
    );
    this.reduce('sum', terms, inShape, axes, out);
    this.free(terms); // back to a subclass's pool, if it keeps one
    if (scale !== 1) {
      const o = asCpu(out).data;
      for (let i = 0; i < o.length; i++) o[i]! *= scale;
    }
  }
  argReduce(op: ArgReduceOp, x: Buf, inShape: Shape, axis: number, out: Buf): void {
    cpuArgReduce(op, asCpu(x), inShape, axis, asCpu(out));
  }
  gather(x: Buf, index: Buf, out: Buf, desc: GatherDesc): void {
    cpuGather(asCpu(x), asCpu(index), asCpu(out), desc);
  }
  scatterAdd(src: Buf, index: Buf, out: Buf, desc: GatherDesc): void {
    cpuScatterAdd(asCpu(src), asCpu(index), asCpu(out), desc);
  }
  copy(src: Buf, srcLayout: Layout, dst: Buf, dstLayout: Layout, shape: Shape): void {
    cpuCopy(asCpu(src), srcLayout, asCpu(dst), dstLayout, shape);
  }
  random(out: Buf, desc: RandomDesc): void {
    cpuRandom(asCpu(out), desc);
  }
  allocParts(sizes: readonly number[], dtype: DType): Buf[] {
    const all = newTypedArray(
      dtype,
      sizes.reduce((a, b) => a + b, 0),
    );
    let at = 0;
    return sizes.map((size) => new CpuBuf(all.subarray(at, (at += size)), dtype));
  }
  adamParts(params: readonly Buf[], grads: readonly Buf[], m: readonly Buf[], v: readonly Buf[], desc: AdamDesc): void {
    params.forEach((p, i) => this.adam(p, grads[i]!, m[i]!, v[i]!, desc));
  }
  adam(param: Buf, grad: Buf, m: Buf, v: Buf, desc: AdamDesc): void {
    cpuAdam(asCpu(param), asCpu(grad), asCpu(m), asCpu(v), desc);
  }
  checkIndices(buf: Buf, limit: number, fail: (v: IndexViolation) => Error): void {
    let position = 0;
    for (const value of asCpu(buf).data) {
      if (!(value >= 0 && value < limit)) throw fail({ position, value });
      position++;
    }
  }
  flush(): void {}
  async sync(): Promise<void> {}
  destroy(): void {}
}
