// A WebGPU buffer as the Backend sees it: a GPUBuffer (possibly larger than needed, from the
// pool) holding `size` 4-byte elements of `dtype` — or a part of one: allocParts lays several
// buffers into one GPUBuffer at aligned offsets (an optimizer's flat parameters and moments,
// updated by one dispatch), and each part is bound as its own range.
import type { Buf, DType } from '../backend.js';

/** What a dispatch binds: a whole GPUBuffer, or a range of one. */
export type BufferBinding = GPUBuffer | GPUBufferBinding;

/** One GPUBuffer shared by the parts of allocParts; back to the pool when the last part is freed. */
export interface SharedAllocation {
  readonly buffer: GPUBuffer;
  readonly bytes: number;
  parts: number;
}

export class WebGPUBuf implements Buf {
  /** Set by free(); any later use throws, which catches use-after-free bugs in the layers above. */
  freed = false;
  constructor(
    readonly gpuBuffer: GPUBuffer,
    readonly size: number,
    readonly dtype: DType,
    /** The identity of the backend that made it: buffers never cross devices. */
    readonly owner: object,
    /** Where this buffer starts inside gpuBuffer, in bytes (0 unless it is a part). */
    readonly offset = 0,
    /** The allocation this buffer is a part of, or null for a buffer of its own. */
    readonly shared: SharedAllocation | null = null,
  ) {}
  /** Bytes of real data (the GPUBuffer may be bigger: its size class). */
  get byteLength(): number {
    return this.size * 4;
  }
  /**
   * What kernels bind: the whole GPUBuffer, or this part's range rounded up to 16 bytes (parts
   * are 256-byte aligned, so vec4 access to the last element stays inside the part).
   */
  get binding(): BufferBinding {
    if (!this.shared) return this.gpuBuffer;
    return { buffer: this.gpuBuffer, offset: this.offset, size: Math.max(16, Math.ceil(this.byteLength / 16) * 16) };
  }
}

/** Bytes between the starts of consecutive parts: offsets a storage binding accepts anywhere. */
export const PART_ALIGN = 256;
