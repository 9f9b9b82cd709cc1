// Freed CPU buffers wait here for an alloc of the same dtype and size. A training step allocates
// the same sizes every step, so after the first one it allocates nothing: no zero-filled typed
// arrays, and little garbage for the collector. A Backend buffer's contents are unspecified until
// written (every kernel writes its whole output), so a reused buffer needs no clearing.
import type { DType } from '../backend.js';
import type { CpuBuf } from '../cpu/cpu-buffer.js';

const BYTES: Record<DType, number> = { float32: 4, int32: 4, float64: 8 };

export class BufferPool {
  private readonly lists = new Map<string, CpuBuf[]>();
  private readonly pooled = new WeakSet<CpuBuf>();
  private held = 0;

  /** Keeps at most `maxBytes` of freed buffers; beyond that a freed buffer is left to the collector. */
  constructor(readonly maxBytes = 64 * 2 ** 20) {}

  take(size: number, dtype: DType): CpuBuf | undefined {
    const buf = this.lists.get(`${dtype}:${size}`)?.pop();
    if (buf) {
      this.pooled.delete(buf);
      this.held -= size * BYTES[dtype];
    }
    return buf;
  }

  give(buf: CpuBuf): void {
    const bytes = buf.size * BYTES[buf.dtype];
    // a second free of the same buffer must not hand it to two tensors
    if (this.pooled.has(buf) || this.held + bytes > this.maxBytes) return;
    const key = `${buf.dtype}:${buf.size}`;
    let list = this.lists.get(key);
    if (!list) this.lists.set(key, (list = []));
    list.push(buf);
    this.pooled.add(buf);
    this.held += bytes;
  }

  /** Bytes of freed buffers held for reuse. */
  get heldBytes(): number {
    return this.held;
  }
}
