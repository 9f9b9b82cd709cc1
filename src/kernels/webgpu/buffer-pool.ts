// Buffers by size class. Creating a GPUBuffer is slow and a training step makes hundreds of
// short-lived intermediates, so freed buffers wait in a free list keyed by their (rounded) size.
//
// The subtle part: a freed buffer may still be read by commands that are encoded but not yet
// submitted. If it went straight back to the pool, the next upload (queue.writeBuffer, which runs
// *before* the not-yet-submitted commands) could overwrite data those commands still need.
// So frees are parked in `pending` and reach the free lists only once their batch is submitted.
// That only matters for uploads: a kernel that writes a buffer runs after every command recorded
// before it (a compute pass orders its dispatches, and Dawn puts barriers between them), so a
// buffer for a kernel's output may be taken from `pending` at once (acquire's `forKernel`). A
// step's intermediates then reuse the same buffers whether or not a submit fell inside the step.
//
// Each free list hands out its oldest buffer first (the lowest creation number), not the last
// one freed. Which buffers are free then depends only on what is in use, not on the order of
// frees and submits, so a training loop keeps binding the same few buffers to each kernel and
// its bind groups are found in the cache. Handed out in free order, a loop whose submits fall at
// different points of its steps bound ever new combinations: ~45 new bind groups per step, each
// holding driver memory until a garbage collection (on lavapipe a memory mapping: the process hit
// the kernel's limit of 65530 mappings and crashed after ~1000 CVAE steps).

/** Round a byte count up to its size class: 16, then 2^k or 1.5·2^k (at most a third wasted). */
export function sizeClass(bytes: number): number {
  if (bytes <= 16) return 16;
  const pow = 2 ** Math.ceil(Math.log2(bytes));
  const threeQuarters = (pow / 4) * 3;
  return bytes <= threeQuarters && threeQuarters % 16 === 0 ? threeQuarters : pow;
}

export class BufferPool {
  /** Free buffers by size class, each list sorted by creation number, highest first (pop = oldest). */
  private readonly free = new Map<number, GPUBuffer[]>();
  private readonly serial = new WeakMap<GPUBuffer, number>();
  private created = 0;
  /** Freed since the last submit, by size class, in the order freed. */
  private pending = new Map<number, GPUBuffer[]>();
  /** Bytes sitting in the free lists (not in use, not pending). */
  pooledBytes = 0;
  pooledBuffers = 0;
  /** Bytes of every GPUBuffer this pool created and has not destroyed. */
  deviceBytes = 0;
  /** Told before a buffer is destroyed (so caches holding it can forget it). */
  onDestroy?: (b: GPUBuffer) => void;

  constructor(
    private readonly device: GPUDevice,
    private readonly usage: number,
    /** Beyond this many pooled bytes, freed buffers are destroyed instead of kept. */
    private readonly maxPooledBytes: number,
    private readonly label: string,
    /** No buffer may be bigger than this (a storage binding limit); the class is capped to it. */
    private readonly maxBytes = Infinity,
  ) {}

  /**
   * A buffer of at least `bytes`: the oldest free one of its size class, else a new one. With
   * `forKernel` (the buffer will only be written by kernels, never by queue.writeBuffer) the
   * buffers freed since the last submit are candidates too.
   */
  acquire(bytes: number, forKernel = false): GPUBuffer {
    if (bytes > this.maxBytes) {
      throw new Error(
        `webgpu: a buffer of ${bytes} bytes exceeds this adapter's limit of ` +
          `${this.maxBytes} bytes (maxStorageBufferBindingSize)`,
      );
    }
    // near the limit the rounded-up class may not fit: then the exact size (16-byte aligned)
    let cls = sizeClass(bytes);
    if (cls > this.maxBytes) cls = Math.ceil(bytes / 16) * 16;
    const list = this.free.get(cls);
    const oldestFree = list?.[list.length - 1];
    const waiting = forKernel ? this.pending.get(cls) : undefined;
    let w = -1; // the oldest of the waiting ones, if it is older than the oldest free one
    if (waiting?.length) {
      let best = oldestFree ? this.order(oldestFree) : Infinity;
      waiting.forEach((b, i) => {
        if (this.order(b) < best) [w, best] = [i, this.order(b)];
      });
    }
    if (w >= 0) return waiting!.splice(w, 1)[0]!;
    if (oldestFree) {
      list!.pop();
      this.pooledBytes -= cls;
      this.pooledBuffers--;
      return oldestFree;
    }
    this.deviceBytes += cls;
    const buffer = this.device.createBuffer({ size: cls, usage: this.usage, label: `${this.label}:${cls}` });
    this.serial.set(buffer, this.created++);
    return buffer;
  }

  private order(b: GPUBuffer): number {
    return this.serial.get(b) ?? -1;
  }

  /** Give a buffer back: a kernel's output may reuse it at once, an upload after the next submit (see above). */
  release(buffer: GPUBuffer): void {
    const list = this.pending.get(buffer.size);
    if (list) list.push(buffer);
    else this.pending.set(buffer.size, [buffer]);
  }

  /** Called right after queue.submit(): everything released before it may now be reused. */
  onSubmitted(): void {
    const touched = new Set<GPUBuffer[]>();
    for (const b of [...this.pending.values()].flat()) {
      const cls = b.size;
      if (this.pooledBytes + cls > this.maxPooledBytes) {
        this.deviceBytes -= cls;
        this.onDestroy?.(b);
        b.destroy();
        continue;
      }
      let list = this.free.get(cls);
      if (!list) this.free.set(cls, (list = []));
      list.push(b);
      touched.add(list);
      this.pooledBytes += cls;
      this.pooledBuffers++;
    }
    this.pending.clear();
    for (const list of touched) list.sort((a, b) => this.order(b) - this.order(a));
  }

  /** Destroys every pooled buffer (pending ones stay until their submit). */
  trim(): void {
    for (const list of this.free.values()) {
      for (const b of list) {
        this.onDestroy?.(b);
        b.destroy();
      }
    }
    this.deviceBytes -= this.pooledBytes;
    this.free.clear();
    this.pooledBytes = 0;
    this.pooledBuffers = 0;
  }
}
