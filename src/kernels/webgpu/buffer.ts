// A WebGPU buffer as the Backend sees it: a GPUBuffer (possibly larger than needed, from the
// pool) holding `size` 4-byte elements of `dtype`.
import type { Buf, DType } from '../backend.js';

export class WebGPUBuf implements Buf {
  /** Set by free(); any later use throws, which catches use-after-free bugs in the layers above. */
  freed = false;
  constructor(
    readonly gpuBuffer: GPUBuffer,
    readonly size: number,
    readonly dtype: DType,
    /** The identity of the backend that made it: buffers never cross devices. */
    readonly owner: object,
  ) {}
  /** Bytes of real data (the GPUBuffer may be bigger: its size class). */
  get byteLength(): number {
    return this.size * 4;
  }
}
