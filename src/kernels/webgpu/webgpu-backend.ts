// The WebGPU backend: the Backend interface on top of the runtime (batching, pool, pipelines)
// and the kernel generators in ./kernels. Methods only validate, allocate and record; nothing
// waits for the device until read().
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
import { broadcastStrides, contiguousStrides, sizeOf } from '../layout.js';
import type { AdapterSummary } from './adapter-summary.js';
import { PART_ALIGN, WebGPUBuf } from './buffer.js';
import { encodeAdam, encodeAdamParts } from './kernels/adam.js';
import { encodeArgReduce } from './kernels/arg-reduce.js';
import { encodeCheckIndices, NO_VIOLATION } from './kernels/check-indices.js';
import { encodeCopy } from './kernels/copy.js';
import { encodeFill } from './kernels/fill.js';
import { encodeGather, encodeScatterAdd } from './kernels/gather.js';
import { encodeMap } from './kernels/map.js';
import { ACTIVATION_CODE } from './kernels/matmul/common.js';
import { autoStrategy, encodeMatmul, type MatmulStrategy, type MatmulStrategyChoice } from './kernels/matmul/index.js';
import type { BlockedConfig } from './kernels/matmul/blocked.js';
import { candidateNamed, candidatesFor, candidatesKey, type MatmulTuning, shapeKey } from './kernels/matmul/tune.js';
import { encodeRandom } from './kernels/random.js';
import { encodeMapSum, encodeReduce } from './kernels/reduce.js';
import type { Profile, ProfileClock } from './profile.js';
import type { Runtime } from './runtime.js';
import { type MatmulTuneResult, timeMatmulCandidates } from './matmul-tuning.js';

export type { MatmulTuneResult };

export interface WebGPUStats {
  /** Buffers allocated and not yet freed. */
  buffers: number;
  /** Bytes of data in those buffers (element count × 4). */
  bytes: number;
  /** Bytes of freed buffers kept for reuse. */
  pooledBytes: number;
  /** Bytes of all GPUBuffers this backend holds on the device (live, pooled, awaiting reuse). */
  deviceBytes: number;
  dispatches: number;
  submits: number;
  pipelines: number;
}

export class WebGPUBackend implements Backend {
  readonly name = 'webgpu' as const;
  readonly dtypes: readonly DType[] = ['float32', 'int32'];
  private liveBuffers = 0;
  private liveBytes = 0;
  private strategy: MatmulStrategyChoice = 'auto';
  /** A tiny buffer bound where a kernel's optional input is absent (e.g. matmul without bias). */
  private dummy: WebGPUBuf | null = null;
  /** Index checks recorded on the device, reported at the next readback. */
  private indexChecks: { flag: WebGPUBuf; fail: (v: IndexViolation) => Error }[] = [];
  /** Another, bound where a kernel's optional output is absent (not `dummy`: one buffer may not be
   *  bound read-only and writable in one dispatch). */
  private dummyRw: WebGPUBuf | null = null;

  constructor(
    /** The command stream; exposed for benchmarks and custom kernels. */
    readonly runtime: Runtime,
    readonly description: string,
    /** The adapter is a CPU implementation (lavapipe, SwiftShader): decides `auto` strategies. */
    readonly cpuAdapter: boolean,
    /** The adapter's identity and the device's features and limits (null when built by hand). */
    readonly adapter: AdapterSummary | null = null,
  ) {}

  /** A storage buffer may not be bound beyond maxStorageBufferBindingSize, so no buffer is bigger. */
  get maxBufferBytes(): number {
    return this.device.limits.maxStorageBufferBindingSize;
  }

  /** The GPUDevice, for code that wants to go below the Backend interface. */
  get device(): GPUDevice {
    return this.runtime.device;
  }

  // ---- memory ---------------------------------------------------------------------------

  /** A buffer for kernels to write (it may be one freed since the last submit: see BufferPool). */
  alloc(size: number, dtype: DType): WebGPUBuf {
    return this.allocate(size, dtype, true);
  }

  private allocate(size: number, dtype: DType, forKernel: boolean): WebGPUBuf {
    this.runtime.check();
    checkDtype(dtype);
    if (!Number.isInteger(size) || size < 0)
      throw new Error(`webgpu alloc: size must be a non-negative integer, got ${size}`);
    const gpuBuffer = this.runtime.pool.acquire(Math.max(1, size) * 4, forKernel);
    this.liveBuffers++;
    this.liveBytes += size * 4;
    return new WebGPUBuf(gpuBuffer, size, dtype, this);
  }

  free(buf: Buf): void {
    if (this.runtime.gone && buf instanceof WebGPUBuf && buf.owner === this) {
      // the memory went with the device: only the accounting is left, so tensors of a lost
      // device can still be disposed
      if (!buf.freed) {
        buf.freed = true;
        this.liveBuffers--;
        this.liveBytes -= buf.byteLength;
      }
      return;
    }
    const b = this.own(buf, 'free');
    b.freed = true;
    this.liveBuffers--;
    this.liveBytes -= b.byteLength;
    if (!b.shared) this.runtime.pool.release(b.gpuBuffer);
    else if (--b.shared.parts === 0) this.runtime.pool.release(b.shared.buffer);
  }

  /**
   * Buffers of the given sizes laid into one GPUBuffer, each starting at a multiple of 256 bytes
   * (a storage binding's offset alignment everywhere): each is a Buf of its own (bound as its
   * own range, freed on its own), and a kernel can also bind them all at once (adamParts).
   */
  allocParts(sizes: readonly number[], dtype: DType): WebGPUBuf[] {
    this.runtime.check();
    checkDtype(dtype);
    const align = Math.max(PART_ALIGN, this.device.limits.minStorageBufferOffsetAlignment) / 4;
    const offsets: number[] = [];
    let total = 0;
    for (const size of sizes) {
      if (!Number.isInteger(size) || size < 0)
        throw new Error(`webgpu allocParts: sizes must be non-negative integers, got ${size}`);
      offsets.push(total);
      total += Math.ceil(Math.max(1, size) / align) * align;
    }
    const shared = { buffer: this.runtime.pool.acquire(Math.max(1, total) * 4), bytes: total * 4, parts: sizes.length };
    return sizes.map((size, i) => {
      this.liveBuffers++;
      this.liveBytes += size * 4;
      return new WebGPUBuf(shared.buffer, size, dtype, this, offsets[i]! * 4, shared);
    });
  }

  upload(data: TypedArray, dtype: DType): WebGPUBuf {
    checkDtype(dtype);
    const buf = this.allocate(data.length, dtype, false); // written by queue.writeBuffer: not one still in use
    // convert if the array's type differs from the dtype (e.g. a Float64Array of float32 data)
    const typed =
      dtype === 'int32'
        ? data instanceof Int32Array
          ? data
          : Int32Array.from(data)
        : data instanceof Float32Array
          ? data
          : Float32Array.from(data);
    if (typed.length > 0)
      this.device.queue.writeBuffer(buf.gpuBuffer, buf.offset, typed.buffer, typed.byteOffset, typed.byteLength);
    return buf;
  }

  async read(buf: Buf): Promise<TypedArray> {
    await this.runtime.settleErrors(); // so a compile error beats the errors it causes
    const b = this.own(buf, 'read');
    await this.reportIndexChecks();
    const bytes = await this.runtime.read(b.gpuBuffer, b.byteLength, b.offset);
    return b.dtype === 'int32' ? new Int32Array(bytes) : new Float32Array(bytes);
  }

  /** Live buffers and bytes: a training loop that holds memory flat keeps these constant. */
  stats(): WebGPUStats {
    const pool = this.runtime.pool;
    return {
      buffers: this.liveBuffers,
      bytes: this.liveBytes,
      pooledBytes: pool.pooledBytes,
      deviceBytes: pool.deviceBytes,
      dispatches: this.runtime.counters.dispatches,
      submits: this.runtime.counters.submits,
      pipelines: this.runtime.pipelines.size,
    };
  }

  /** Destroys pooled (free) buffers, returning their memory to the device. */
  trimPool(): void {
    this.runtime.pool.trim();
  }

  // ---- kernels --------------------------------------------------------------------------

  fill(out: Buf, value: number): void {
    encodeFill(this.runtime, this.own(out, 'fill'), value);
  }

  map(op: MapOp, inputs: readonly MapInput[], out: Buf, outShape: Shape, param = 0): void {
    const o = this.own(out, 'map');
    checkMapOutput(
      op,
      inputs.map((i) => i.buf.dtype),
      o.dtype,
    );
    if (o.size < sizeOf(outShape))
      throw new Error(`map: output holds ${o.size} elements, shape [${outShape}] needs ${sizeOf(outShape)}`);
    const temps: WebGPUBuf[] = [];
    const args = inputs.map((inp) => {
      const b = this.own(inp.buf, 'map');
      if (b.size < sizeOf(inp.shape))
        throw new Error(`map: input holds ${b.size} elements, shape [${inp.shape}] needs ${sizeOf(inp.shape)}`);
      return { buf: b.gpuBuffer === o.gpuBuffer ? this.snapshot(b, temps) : b, shape: inp.shape };
    });
    if (o.dtype === 'int32') {
      // identity into int32: a broadcast copy, so the 32-bit words never pass through f32
      const [x] = args as [{ buf: WebGPUBuf; shape: Shape }];
      const from = { offset: 0, strides: broadcastStrides(x.shape, outShape) };
      encodeCopy(this.runtime, x.buf, from, o, { offset: 0, strides: contiguousStrides(outShape) }, outShape);
    } else encodeMap(this.runtime, op, args, o, outShape, param);
    temps.forEach((t) => this.free(t));
  }

  matmul(a: Buf, b: Buf, out: Buf, desc: MatmulDesc): void {
    const o = this.own(out, 'matmul');
    const temps: WebGPUBuf[] = [];
    const input = (x: Buf) => {
      const buf = this.own(x, 'matmul');
      if (buf.dtype !== 'float32') throw new Error(`matmul: inputs must be float32, got ${buf.dtype}`);
      return buf.gpuBuffer === o.gpuBuffer ? this.snapshot(buf, temps) : buf;
    };
    const [ia, ib] = [input(a), input(b)];
    const bias = desc.bias ? this.own(desc.bias, 'matmul') : undefined;
    if (desc.activation !== undefined && !(desc.activation in ACTIVATION_CODE))
      throw new Error(`matmul: unknown activation '${desc.activation}'`);
    // (not counted in stats(): it lives as long as the backend)
    this.dummy ??= new WebGPUBuf(this.runtime.pool.acquire(16), 4, 'float32', this);
    this.dummyRw ??= new WebGPUBuf(this.runtime.pool.acquire(16), 4, 'float32', this);
    const rowSums = desc.rowSums ? this.own(desc.rowSums, 'matmul') : undefined;
    if (rowSums && [o, ia, ib, bias].some((x) => x?.gpuBuffer === rowSums.gpuBuffer))
      throw new Error('matmul: rowSums must be a buffer of its own');
    encodeMatmul(
      this.runtime,
      ia,
      ib,
      o,
      desc,
      this.strategyFor(desc),
      bias && bias.gpuBuffer === o.gpuBuffer ? this.snapshot(bias, temps) : bias,
      this.dummy,
      rowSums,
      this.dummyRw,
      this.forcedConfig ?? this.tunedConfig(desc),
    );
    temps.forEach((t) => this.free(t));
  }

  mapSum(
    op: MapOp,
    inputs: readonly Buf[],
    inShape: Shape,
    axes: readonly number[],
    out: Buf,
    opts: { param?: number; scale?: number } = {},
  ): void {
    const o = this.own(out, 'mapSum');
    const xs = inputs.map((x) => this.own(x, 'mapSum'));
    if ([o, ...xs].some((b) => b.dtype !== 'float32')) throw new Error('mapSum: float32 only on webgpu');
    if (xs.includes(o)) throw new Error('mapSum: the output may not be one of the inputs');
    encodeMapSum(this.runtime, op, xs, inShape, axes, o, opts.param ?? 0, opts.scale ?? 1);
  }

  reduce(op: ReduceOp, x: Buf, inShape: Shape, axes: readonly number[], out: Buf): void {
    const xb = this.own(x, 'reduce');
    const o = this.own(out, 'reduce');
    if (xb.dtype !== 'float32' || o.dtype !== 'float32') throw new Error('reduce: float32 only on webgpu');
    const temps: WebGPUBuf[] = [];
    encodeReduce(this.runtime, op, xb.gpuBuffer === o.gpuBuffer ? this.snapshot(xb, temps) : xb, inShape, axes, o);
    temps.forEach((t) => this.free(t));
  }

  argReduce(op: ArgReduceOp, x: Buf, inShape: Shape, axis: number, out: Buf): void {
    const xb = this.own(x, op);
    const o = this.own(out, op);
    if (o.dtype !== 'int32') throw new Error(`${op}: output must be int32, got ${o.dtype}`);
    encodeArgReduce(this.runtime, op, xb, inShape, axis, o);
  }

  gather(x: Buf, index: Buf, out: Buf, desc: GatherDesc): void {
    const o = this.own(out, 'gather');
    const xb = this.own(x, 'gather');
    const ib = this.own(index, 'gather');
    if (ib.dtype !== 'int32') throw new Error(`gather: index must be int32, got ${ib.dtype}`);
    if (o.dtype !== xb.dtype) throw new Error(`gather: output ${o.dtype} differs from input ${xb.dtype}`);
    const temps: WebGPUBuf[] = [];
    const [xs, is] = [xb, ib].map((b) => (b.gpuBuffer === o.gpuBuffer ? this.snapshot(b, temps) : b)) as [
      WebGPUBuf,
      WebGPUBuf,
    ];
    encodeGather(this.runtime, xs, is, o, desc);
    temps.forEach((t) => this.free(t));
  }

  scatterAdd(src: Buf, index: Buf, out: Buf, desc: GatherDesc): void {
    const o = this.own(out, 'scatterAdd');
    const sb = this.own(src, 'scatterAdd');
    const ib = this.own(index, 'scatterAdd');
    if (ib.dtype !== 'int32') throw new Error(`scatterAdd: index must be int32, got ${ib.dtype}`);
    if (o.dtype !== 'float32' || sb.dtype !== 'float32') throw new Error('scatterAdd: float32 only on webgpu');
    const temps: WebGPUBuf[] = [];
    const [ss, is] = [sb, ib].map((b) => (b.gpuBuffer === o.gpuBuffer ? this.snapshot(b, temps) : b)) as [
      WebGPUBuf,
      WebGPUBuf,
    ];
    encodeScatterAdd(this.runtime, ss, is, o, desc);
    temps.forEach((t) => this.free(t));
  }

  copy(src: Buf, srcLayout: Layout, dst: Buf, dstLayout: Layout, shape: Shape): void {
    const s = this.own(src, 'copy');
    const d = this.own(dst, 'copy');
    const temps: WebGPUBuf[] = [];
    encodeCopy(this.runtime, s.gpuBuffer === d.gpuBuffer ? this.snapshot(s, temps) : s, srcLayout, d, dstLayout, shape);
    temps.forEach((t) => this.free(t));
  }

  random(out: Buf, desc: RandomDesc): void {
    encodeRandom(this.runtime, this.own(out, 'random'), desc);
  }

  adamParts(params: readonly Buf[], grads: readonly Buf[], m: readonly Buf[], v: readonly Buf[], desc: AdamDesc): void {
    const own = (bs: readonly Buf[]) => bs.map((b) => this.own(b, 'adam'));
    encodeAdamParts(this.runtime, own(params), own(grads), own(m), own(v), desc);
  }

  adam(param: Buf, grad: Buf, m: Buf, v: Buf, desc: AdamDesc): void {
    encodeAdam(
      this.runtime,
      this.own(param, 'adam'),
      this.own(grad, 'adam'),
      this.own(m, 'adam'),
      this.own(v, 'adam'),
      desc,
    );
  }

  checkIndices(buf: Buf, limit: number, fail: (v: IndexViolation) => Error): void {
    const x = this.own(buf, 'checkIndices');
    if (x.dtype !== 'int32') throw new Error(`checkIndices: indices must be int32, got ${x.dtype}`);
    if (x.size === 0) return;
    const flag = this.alloc(2, 'int32');
    encodeFill(this.runtime, flag, -1); // both words 0xffffffff: no violation yet
    encodeCheckIndices(this.runtime, x, x.size, limit, flag);
    this.indexChecks.push({ flag, fail });
  }

  /** Reads the flags of the index checks recorded so far; throws the first violation's error. */
  private async reportIndexChecks(): Promise<void> {
    if (!this.indexChecks.length) return;
    const checks = this.indexChecks;
    this.indexChecks = [];
    let error: Error | null = null;
    for (const c of checks) {
      const [position = NO_VIOLATION, bits = 0] = new Uint32Array(await this.runtime.read(c.flag.gpuBuffer, 8));
      this.free(c.flag);
      if (!error && position !== NO_VIOLATION) error = c.fail({ position, value: bits | 0 });
    }
    if (error) throw error;
  }

  // ---- matmul strategy ------------------------------------------------------------------

  /** Force one matmul strategy (tests, benchmarks) or let `auto` choose per shape. */
  setMatmulStrategy(s: MatmulStrategyChoice): void {
    if (!['auto', 'naive', 'blocked', 'tiled'].includes(s)) throw new Error(`unknown matmul strategy '${s}'`);
    this.strategy = s;
  }
  getMatmulStrategy(): MatmulStrategyChoice {
    return this.strategy;
  }
  /** The strategy a matmul with this descriptor would run with now. */
  strategyFor(desc: MatmulDesc): MatmulStrategy {
    return this.strategy === 'auto' ? autoStrategy(desc, this.cpuAdapter) : this.strategy;
  }

  // ---- matmul autotuning (kernels/matmul/tune.ts) ----------------------------------------

  private tuning: MatmulTuning = {};
  /** Set while timing candidates (tuneMatmul) and by tests that run every candidate. */
  forcedConfig: BlockedConfig | null = null;

  /** The blocked configurations this device can run (tuning picks among them). */
  get matmulCandidates(): readonly BlockedConfig[] {
    return (this.candidates ??= candidatesFor(this.adapter?.subgroupSize ?? null));
  }
  private candidates: readonly BlockedConfig[] | undefined;

  /** The tuned blocked configuration for this shape, if the table names a candidate this device has. */
  private tunedConfig(desc: MatmulDesc): BlockedConfig | undefined {
    const name = this.tuning[shapeKey(desc)];
    return name === undefined ? undefined : candidateNamed(name, this.matmulCandidates);
  }
  /** Replaces the tuning table (e.g. one loaded from the cache); unknown entries are ignored. */
  setMatmulTuning(t: MatmulTuning): void {
    this.tuning = { ...t };
  }
  getMatmulTuning(): MatmulTuning {
    return { ...this.tuning };
  }
  /** A key naming this adapter and the candidate set, for caching tuning tables (a table chosen
   *  among other candidates would never try a new one). */
  get adapterKey(): string {
    return `${this.description} | ${candidatesKey(this.matmulCandidates)}`;
  }

  /**
   * Times every blocked candidate at each shape (device time, `rounds` interleaved rounds after
   * a warm-up; median), records the fastest in the tuning table and returns the measurements.
   */
  tuneMatmul(descs: readonly MatmulDesc[], rounds = 5): Promise<MatmulTuneResult[]> {
    return timeMatmulCandidates(this, descs, rounds);
  }

  // ---- queue ----------------------------------------------------------------------------

  flush(): void {
    this.runtime.check();
    this.runtime.flush();
  }

  /**
   * Runs `fn` and reports the device time of every kernel it launched, by label (slowest
   * first): timestamp queries when the adapter has them, else a CPU-timed replay with a sync per
   * kernel. See Runtime.profile.
   */
  profile(fn: () => void | Promise<void>, options: { clock?: ProfileClock } = {}): Promise<Profile> {
    return this.runtime.profile(fn, options);
  }

  /** Resolves when the device has finished everything queued so far (and reports failed index checks). */
  async finish(): Promise<void> {
    await this.runtime.finish();
    await this.reportIndexChecks();
  }

  sync(): Promise<void> {
    return this.finish();
  }

  destroy(): void {
    this.runtime.destroy();
  }

  // ---- helpers --------------------------------------------------------------------------

  /** Checks that `buf` is a live buffer of this backend (and the device is usable). */
  private own(buf: Buf, op: string): WebGPUBuf {
    this.runtime.check();
    if (!(buf instanceof WebGPUBuf) || buf.owner !== this)
      throw new Error(`webgpu ${op}: given a buffer from another backend`);
    if (buf.freed) throw new Error(`webgpu ${op}: buffer used after free()`);
    return buf;
  }

  /** A copy of `buf`: a dispatch may not bind one buffer as both input and output. */
  private snapshot(buf: WebGPUBuf, temps: WebGPUBuf[]): WebGPUBuf {
    const t = this.alloc(buf.size, buf.dtype);
    encodeCopy(this.runtime, buf, { offset: 0, strides: [1] }, t, { offset: 0, strides: [1] }, [buf.size]);
    temps.push(t);
    return t;
  }
}

function checkDtype(dtype: DType): void {
  if (dtype === 'float64') {
    throw new Error(
      "webgpu backend: dtype 'float64' is not supported (WGSL has no f64); use the cpu backend for float64",
    );
  }
  if (dtype !== 'float32' && dtype !== 'int32') throw new Error(`webgpu backend: unknown dtype '${String(dtype)}'`);
}
