// A Storage owns one backend buffer and counts the tensors (and saved autograd handles) that
// share it: reshape shares storage, and autograd keeps a reference to what backward needs.
// The buffer goes back to the backend when the last reference is released.
import type { Backend, Buf } from '../kernels/backend.js';

const BYTES = { float32: 4, int32: 4, float64: 8 } as const;

/** Buffers and bytes alive on one backend. */
export interface BackendUsage {
  /** Buffers alive. */
  buffers: number;
  /** Their size in bytes. */
  bytes: number;
}

const usage = new Map<string, BackendUsage>();

export class Storage {
  private refs = 1;
  readonly bytes: number;
  /**
   * The values of an int32 buffer made from host data (small ones), kept so that index checks
   * need no readback. int32 buffers are never written after creation, so the copy stays true.
   */
  hostInt32: Int32Array | null = null;

  constructor(
    readonly backend: Backend,
    readonly buf: Buf,
  ) {
    this.bytes = buf.size * BYTES[buf.dtype];
    const u = usageOf(backend.name);
    u.buffers++;
    u.bytes += this.bytes;
  }

  get alive(): boolean {
    return this.refs > 0;
  }

  retain(): this {
    if (this.refs <= 0) throw new Error('internal: retaining a released storage');
    this.refs++;
    return this;
  }

  release(): void {
    if (this.refs <= 0) return;
    if (--this.refs === 0) {
      this.backend.free(this.buf);
      const u = usageOf(this.backend.name);
      u.buffers--;
      u.bytes -= this.bytes;
    }
  }
}

function usageOf(name: string): BackendUsage {
  let u = usage.get(name);
  if (!u) usage.set(name, (u = { buffers: 0, bytes: 0 }));
  return u;
}

export function storageUsage(): Map<string, BackendUsage> {
  return usage;
}
