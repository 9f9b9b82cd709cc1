// The command stream: every kernel launch is recorded into one shared command encoder and
// compute pass, and the whole batch is submitted at once (on read(), flush(), or when the batch
// grows large). Dispatches within one pass see each other's writes in order, so a training step
// needs no submits at all until something is read back.
//
// Parameters: each dispatch's uniform block is packed into a host-side staging area at its own
// (aligned) offset, and the staging area is written to one GPU uniform buffer with a single
// queue.writeBuffer just before the submit; the dispatch binds it at a dynamic offset. (One
// writeBuffer per dispatch would be correct too, but costs a driver call per launch and a new
// bind group per launch; bench/dispatch.ts measures the schemes.)
// Reusing that uniform buffer for the next batch is safe: queue.writeBuffer is ordered on the
// queue after the previous submit, whose commands have therefore already read their parameters.
import { BindGroupCache } from './bind-groups.js';
import { BufferPool } from './buffer-pool.js';
import type { BufferBinding } from './buffer.js';
import { MAP_READ, Usage } from './gpu-api.js';
import { packParams, paramBytes, type ParamSlot, type ParamValues } from './params.js';
import { PipelineCache, type Kernel } from './pipelines.js';
import { KernelProfiler, type Profile, type ProfileClock } from './profile.js';
import { politely } from './wait.js';

/** What a kernel generator produces. */
export interface KernelSpec {
  name: string;
  source: string;
  slots: readonly ParamSlot[];
}

export interface RuntimeOptions {
  /** Submit after this many dispatches even if nobody reads (keeps the pool from ballooning). */
  maxDispatchesPerBatch?: number;
  /** Bytes of uniform staging per batch; a full staging area also ends the batch. */
  uniformBytes?: number;
  /** Freed buffers beyond this many bytes are destroyed rather than pooled. */
  maxPooledBytes?: number;
}

export class Runtime {
  readonly pool: BufferPool;
  private readonly readPool: BufferPool;
  readonly pipelines: PipelineCache;
  readonly hasTimestamps: boolean;

  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private batchDispatches = 0;
  private readonly maxDispatches: number;

  // uniform staging: one host buffer, three typed views of it, one GPU buffer of the same size
  private readonly staging: ArrayBuffer;
  private readonly words: { u32: Uint32Array; i32: Int32Array; f32: Float32Array };
  private readonly uniformBuffer: GPUBuffer;
  private uniformUsed = 0;
  private readonly uniformAlign: number;
  readonly bindGroups: BindGroupCache;
  /** The pipeline last set on the open pass (setPipeline is skipped when it repeats). */
  private passPipeline: GPUComputePipeline | null = null;

  // timing (timestamp queries)
  private timedPass: GPUComputePassTimestampWrites | null = null;
  private querySet: GPUQuerySet | null = null;
  private resolveBuffer: GPUBuffer | null = null;

  /** An asynchronous error (compile, validation) not yet thrown to the caller. */
  private pendingError: Error | null = null;
  private lost: string | null = null;
  private destroyed = false;

  /** Objects that must live as long as the device (see create.ts). */
  keepAlive: unknown[] = [];

  /** Counters, for tests and benchmarks. */
  readonly counters = { dispatches: 0, submits: 0 };

  /** Set while profile() runs: every dispatch is timed and attributed to its label. */
  private profiler: KernelProfiler | null = null;

  constructor(
    readonly device: GPUDevice,
    options: RuntimeOptions = {},
  ) {
    this.maxDispatches = options.maxDispatchesPerBatch ?? 512;
    const uniformBytes = options.uniformBytes ?? 1 << 16;
    this.uniformAlign = device.limits.minUniformBufferOffsetAlignment;
    this.staging = new ArrayBuffer(uniformBytes);
    this.words = {
      u32: new Uint32Array(this.staging),
      i32: new Int32Array(this.staging),
      f32: new Float32Array(this.staging),
    };
    this.uniformBuffer = device.createBuffer({
      size: uniformBytes,
      usage: Usage.UNIFORM | Usage.COPY_DST,
      label: 'params',
    });
    const storage = Usage.STORAGE | Usage.COPY_SRC | Usage.COPY_DST;
    this.pool = new BufferPool(
      device,
      storage,
      options.maxPooledBytes ?? 512 << 20,
      'storage',
      device.limits.maxStorageBufferBindingSize,
    );
    this.readPool = new BufferPool(device, MAP_READ | Usage.COPY_DST, 64 << 20, 'readback');
    this.pipelines = new PipelineCache(device, (e) => this.report(e));
    this.bindGroups = new BindGroupCache(device, this.uniformBuffer);
    this.pool.onDestroy = (b) => this.bindGroups.forget(b);
    this.pipelines.onInvalid = (k) => {
      for (const [key, v] of this.variants) if (v === k) this.variants.delete(key);
      this.bindGroups.forgetKernel(k);
    };
    this.hasTimestamps = device.features.has('timestamp-query');
    device.addEventListener('uncapturederror', (ev) => {
      const err = (ev as GPUUncapturedErrorEvent).error;
      // "X is invalid due to a previous error" only echoes an error already reported
      // (a compile error arrives through its error scope, the others through this event)
      if (!/due to a previous error/.test(err.message)) this.report(new Error(`WebGPU error: ${err.message}`));
    });
    device.lost.then((info) => {
      if (!this.destroyed) this.lost = `WebGPU device lost (${info.reason}): ${info.message || 'no message'}`;
    });
  }

  /** Why the device was lost ("WebGPU device lost (reason): message"), or null while it lives. */
  get lostReason(): string | null {
    return this.lost;
  }

  /** The device is gone (lost or destroyed): nothing more can run on it. */
  get gone(): boolean {
    return this.destroyed || this.lost !== null;
  }

  private report(e: Error): void {
    // Keep the first error (later ones are usually its consequences), except that a compile
    // error, which names the kernel and line, beats the validation noise it causes.
    const isCompile = (x: Error): boolean => x.message.startsWith('WGSL kernel');
    if (!this.pendingError || (isCompile(e) && !isCompile(this.pendingError))) this.pendingError = e;
  }

  /**
   * Throws if the device is gone or an earlier asynchronous error is waiting to be reported.
   * After such an error the open command encoder is invalid (WebGPU invalidates an encoder on
   * its first bad command), so the unsubmitted batch is dropped: work queued since the last
   * submit is lost, and later work starts a fresh, valid batch.
   */
  check(): void {
    if (this.destroyed) throw new Error('webgpu backend: used after destroy()');
    if (this.lost) throw new Error(`${this.lost}. Create a new backend (or fall back to the cpu backend).`);
    const e = this.pendingError;
    if (e) {
      this.pendingError = null;
      this.abandonBatch();
      throw e;
    }
  }

  /**
   * If an error is waiting, first let in-flight compile checks finish: a kernel that failed to
   * compile also makes its bind groups and dispatches invalid, and those (synchronous) errors
   * arrive first, but the compile error naming the kernel and line is the one worth reporting.
   */
  async settleErrors(): Promise<void> {
    if (this.pendingError) await this.pipelines.settled();
  }

  private abandonBatch(): void {
    this.pass = null;
    this.passPipeline = null;
    this.encoder = null;
    this.uniformUsed = 0;
    this.batchDispatches = 0;
    this.profiler?.abandon();
    this.pool.onSubmitted(); // the dropped commands will never run: their buffers are free
  }

  kernel(name: string, source: string, slots: readonly ParamSlot[]): Kernel {
    return this.pipelines.get(name, source, slots);
  }

  private readonly variants = new Map<string, Kernel>();
  /**
   * The kernel for a variant key (op, dtypes, rank, ...), generating its source only the first
   * time: building WGSL strings on every call would cost more than the dispatch itself.
   */
  variant(key: string, make: () => KernelSpec): Kernel {
    let k = this.variants.get(key);
    if (!k) {
      const spec = make();
      k = this.pipelines.get(spec.name, spec.source, spec.slots);
      this.variants.set(key, k);
    }
    return k;
  }

  /** True while profile() runs: kernel generators may then pass a descriptive label to dispatch(). */
  get profiling(): boolean {
    return this.profiler !== null;
  }

  /**
   * Records one launch of `kernel` over `grid` workgroups; bindings 1.. are `buffers`, in order.
   * `label` names the launch in a profile (default: the kernel's name); it is only read while
   * profiling, so callers build it only when `profiling` is true.
   */
  dispatch(
    kernel: Kernel,
    params: ParamValues,
    buffers: readonly BufferBinding[],
    grid: readonly [number, number, number],
    label?: string,
  ): void {
    this.check();
    const block = paramBytes(kernel.slots);
    const prof = this.profiler;
    if (
      this.timedPass === null &&
      (this.batchDispatches >= this.maxDispatches || this.uniformUsed + block > this.staging.byteLength || prof?.full())
    ) {
      this.flush();
    }
    // profiling with timestamps: each dispatch gets a compute pass of its own, with its two writes
    if (prof?.clock === 'timestamp') {
      this.endPass();
      this.timedPass = prof.nextPass(label ?? kernel.name);
    } else prof?.record(kernel, params, buffers, grid, label ?? kernel.name);
    if (this.uniformUsed + block > this.staging.byteLength)
      throw new Error('webgpu: uniform staging full inside a timed region');
    const offset = this.uniformUsed;
    packParams(kernel.slots, params, this.words, offset / 4);
    this.uniformUsed = Math.ceil((offset + block) / this.uniformAlign) * this.uniformAlign;

    const bindGroup = this.bindGroups.get(kernel, block, buffers);
    const pass = this.ensurePass();
    if (this.passPipeline !== kernel.pipeline) {
      pass.setPipeline(kernel.pipeline);
      this.passPipeline = kernel.pipeline;
    }
    pass.setBindGroup(0, bindGroup, [offset]);
    pass.dispatchWorkgroups(grid[0], grid[1], grid[2]);
    this.batchDispatches++;
    this.counters.dispatches++;
    kernel.launches++;
    if (prof?.clock === 'timestamp') {
      this.endPass();
      this.timedPass = null;
    }
  }

  private ensureEncoder(): GPUCommandEncoder {
    return (this.encoder ??= this.device.createCommandEncoder());
  }

  private ensurePass(): GPUComputePassEncoder {
    if (!this.pass) {
      const timestampWrites = this.timedPass ?? undefined;
      this.pass = this.ensureEncoder().beginComputePass(timestampWrites ? { timestampWrites } : {});
    }
    return this.pass;
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
    this.passPipeline = null;
  }

  /** Submits everything recorded so far. */
  flush(): void {
    if (this.destroyed || this.lost) return;
    if (this.encoder) {
      this.endPass();
      this.profiler?.resolve(this.encoder);
      if (this.uniformUsed > 0) this.device.queue.writeBuffer(this.uniformBuffer, 0, this.staging, 0, this.uniformUsed);
      this.device.queue.submit([this.encoder.finish()]);
      this.counters.submits++;
      this.encoder = null;
    }
    this.uniformUsed = 0;
    this.batchDispatches = 0;
    this.pool.onSubmitted(); // nothing unsubmitted can use the freed buffers any more
  }

  /** Copies `bytes` of `buffer` (from byte `offset`) back to the host after all recorded work. */
  async read(buffer: GPUBuffer, bytes: number, offset = 0): Promise<ArrayBuffer> {
    await this.settleErrors();
    this.check();
    if (bytes === 0) return new ArrayBuffer(0);
    const staging = this.readPool.acquire(bytes);
    this.endPass();
    this.ensureEncoder().copyBufferToBuffer(buffer, offset, staging, 0, bytes);
    this.flush();
    await politely(() => this.pipelines.settled());
    try {
      await politely(() => staging.mapAsync(MAP_READ, 0, bytes));
    } catch (e) {
      this.check();
      throw e;
    }
    const copy = staging.getMappedRange(0, bytes).slice(0);
    staging.unmap();
    this.readPool.release(staging);
    this.readPool.onSubmitted(); // unmapped: free to reuse for the next read
    this.check();
    return copy;
  }

  /** Waits until the device has finished all submitted work (and reports async errors). */
  async finish(): Promise<void> {
    await this.settleErrors();
    this.check();
    this.flush();
    await politely(() => this.pipelines.settled());
    await politely(() => this.device.queue.onSubmittedWorkDone());
    this.check();
  }

  /**
   * Milliseconds the device spends on the work `record` encodes: from timestamp queries around
   * one compute pass when the adapter has them, else wall-clock around submit + completion.
   */
  async time(record: () => void): Promise<{ ms: number; clock: 'timestamp' | 'wall' }> {
    if (this.profiler) throw new Error('webgpu: time() cannot run inside profile()');
    await this.finish();
    if (!this.hasTimestamps) {
      const t0 = performance.now();
      record();
      await this.finish();
      return { ms: performance.now() - t0, clock: 'wall' };
    }
    const querySet = (this.querySet ??= this.device.createQuerySet({ type: 'timestamp', count: 2 }));
    this.timedPass = { querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 };
    try {
      this.ensurePass(); // the timed pass exists even if `record` dispatches nothing
      record();
    } finally {
      this.timedPass = null;
    }
    const resolve = (this.resolveBuffer ??= this.device.createBuffer({
      size: 16,
      usage: Usage.QUERY_RESOLVE | Usage.COPY_SRC,
    }));
    this.endPass();
    this.ensureEncoder().resolveQuerySet(querySet, 0, 2, resolve, 0);
    const raw = await this.read(resolve, 16);
    const [begin = 0n, end = 0n] = new BigInt64Array(raw);
    return { ms: Number(end - begin) / 1e6, clock: 'timestamp' };
  }

  /**
   * Runs `fn` (which records work: tensor ops, a training step) and says how long the device
   * spent in each kernel, aggregated by label. With timestamp queries (clock 'timestamp'), every
   * dispatch runs in a compute pass of its own with a timestamp at its start and end; the
   * passes cost some extra launch time, which is why the profile reports kernel time only.
   * Without them (or with `clock: 'wall'`), `fn` runs normally while its dispatches are
   * recorded, then each recorded dispatch is replayed on its own with a wait for the device
   * after it, and timed by the CPU clock: that includes one submit + sync per kernel
   * (`syncMs`, measured on an empty submit, says how much). The replay runs the kernels again
   * on the same buffers: in-place updates (Adam) are applied twice, so profile throwaway steps.
   */
  async profile(fn: () => void | Promise<void>, options: { clock?: ProfileClock } = {}): Promise<Profile> {
    if (this.profiler) throw new Error('webgpu: profile() calls cannot nest');
    const clock: ProfileClock = options.clock ?? (this.hasTimestamps ? 'timestamp' : 'wall');
    if (clock === 'timestamp' && !this.hasTimestamps)
      throw new Error("webgpu: this device has no 'timestamp-query' feature; profile with clock 'wall'");
    await this.finish();
    const prof = new KernelProfiler(this.device, clock);
    const dispatchesBefore = this.counters.dispatches;
    const t0 = performance.now();
    this.profiler = prof;
    let done = false;
    try {
      await fn();
      await this.finish();
      done = true;
    } finally {
      if (!done) {
        // fn threw: submit what it recorded (resolving its timestamps), then drop the profiler's buffers
        try {
          this.flush();
        } catch {
          /* the error fn threw is the one to report */
        }
        prof.dispose();
      }
      this.profiler = null;
      this.timedPass = null;
    }
    const wallMs = performance.now() - t0;
    const dispatches = this.counters.dispatches - dispatchesBefore;
    if (clock === 'timestamp') return prof.collect(wallMs, dispatches, 0);
    // the wall clock: replay each recorded dispatch alone, waiting for the device after it
    const syncs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s0 = performance.now();
      await this.finish();
      syncs.push(performance.now() - s0);
    }
    const [, , syncMs = 0] = syncs.sort((a, b) => a - b); // the median of 5
    for (const d of prof.recorded) {
      const s0 = performance.now();
      this.dispatch(d.kernel, d.params, d.buffers, d.grid);
      await this.finish();
      prof.add(d.label, performance.now() - s0);
    }
    return prof.collect(wallMs, dispatches, syncMs);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.encoder = null;
    this.pass = null;
    this.bindGroups.clear();
    this.device.destroy();
  }
}
