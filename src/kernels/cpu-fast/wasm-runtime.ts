// One WebAssembly instance of our CPU kernels (gemm, adam) and its memory. The memory is scratch:
// a kernel's driver copies its operands in, runs, and copies the results out, so nothing lives
// there between calls and every driver may use it from byte 0.
import { type AdamExport, adamFunction } from './adam-kernel.js';
import { type GemmExport, gemmFunction } from './gemm-kernel.js';
import { encodeModule } from './wasm-writer.js';

/** The module's bytes: under 4 KiB, so even a browser's main thread may compile it synchronously. */
export function kernelModuleBytes(): Uint8Array<ArrayBuffer> {
  return encodeModule([gemmFunction(), adamFunction()]);
}

const PAGE = 65536;

export class WasmRuntime {
  readonly gemm: GemmExport;
  readonly adam: AdamExport;
  private readonly memory = new WebAssembly.Memory({ initial: 1 });
  private f32 = new Float32Array(this.memory.buffer);

  constructor(module = new WebAssembly.Module(kernelModuleBytes())) {
    const { exports } = new WebAssembly.Instance(module, { env: { memory: this.memory } });
    this.gemm = exports.gemm as GemmExport;
    this.adam = exports.adam as AdamExport;
  }

  /** The memory, at least `bytes` long (growing detaches old views, so ask again after growing). */
  buffer(bytes: number): ArrayBuffer {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / PAGE));
    return this.memory.buffer;
  }

  /** The memory as floats, at least `floats` long. */
  floats(floats: number): Float32Array {
    const buffer = this.buffer(floats * 4);
    if (this.f32.buffer !== buffer) this.f32 = new Float32Array(buffer);
    return this.f32;
  }

  /** Bytes of WebAssembly memory held as scratch (it only grows, to what the largest block needs). */
  get scratchBytes(): number {
    return this.memory.buffer.byteLength;
  }
}

/** The runtime, or null where WebAssembly or its SIMD extension is unavailable. */
export function createWasmRuntime(): WasmRuntime | null {
  if (typeof WebAssembly === 'undefined') return null;
  try {
    return new WasmRuntime();
  } catch {
    return null; // no SIMD, or a page whose Content-Security-Policy forbids compiling WebAssembly
  }
}
