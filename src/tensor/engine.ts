// Engine introspection: what the current backend runs on and what it launches. The browser lab's
// engine panel is built on these (adapter and limits, kernel launches per step, time per kernel,
// the WGSL of the kernels in use); they work the same in Node. On the CPU backend there are no
// kernels to report: the WebGPU-only functions return null or an empty list.
import type { AdapterSummary } from '../kernels/webgpu/adapter-summary.js';
import type { Profile } from '../kernels/webgpu/profile.js';
import type { WebGPUBackend } from '../kernels/webgpu/webgpu-backend.js';
import { currentBackend } from './backends.js';

export type { AdapterSummary } from '../kernels/webgpu/adapter-summary.js';
export type { KernelTime, Profile, ProfileClock } from '../kernels/webgpu/profile.js';

/** The current backend when it is WebGPU (type-only import above: the CPU path never loads it). */
function currentGpu(): WebGPUBackend | null {
  const b = currentBackend();
  return b.name === 'webgpu' ? (b as WebGPUBackend) : null;
}

/** The adapter under the current WebGPU backend and its device's features and limits; null on the CPU. */
export function webgpuAdapter(): AdapterSummary | null {
  return currentGpu()?.adapter ?? null;
}

/** What the WebGPU backend has launched since it was created (see {@link kernelCounters}). */
export interface KernelCounters {
  /** Kernel launches (compute dispatches) so far. */
  launches: number;
  /** Command buffers submitted to the queue so far. */
  submits: number;
  /** Distinct compiled kernels (pipelines). */
  pipelines: number;
}

/**
 * Running totals of the current WebGPU backend; null on the CPU. Launches per training step is
 * the difference of `launches` across some steps divided by their number.
 */
export function kernelCounters(): KernelCounters | null {
  const gpu = currentGpu();
  if (!gpu) return null;
  const s = gpu.stats();
  return { launches: s.dispatches, submits: s.submits, pipelines: s.pipelines };
}

/** One WGSL kernel the WebGPU backend has compiled (see {@link kernelsInUse}). */
export interface KernelInfo {
  /** The kernel's name (its op and variant, e.g. "map_add_contiguous"). */
  name: string;
  /** Its WGSL source, as compiled. */
  source: string;
  /** Launches so far; two readings some steps apart give its launches per step. */
  launches: number;
}

/** Every WGSL kernel the current WebGPU backend has compiled, in order of first use; [] on the CPU. */
export function kernelsInUse(): KernelInfo[] {
  const gpu = currentGpu();
  if (!gpu) return [];
  return gpu.runtime.pipelines.list().map((k) => ({ name: k.name, source: k.source, launches: k.launches }));
}

/**
 * Device time per kernel of the work `fn` records (e.g. one training step), from GPU timestamp
 * queries, slowest first; null on the CPU backend or when the adapter has no 'timestamp-query'
 * (the CPU-clock fallback of `vae train --profile` replays kernels, which would apply an
 * optimizer update twice, so it is not offered here). While profiling, every kernel runs in a
 * compute pass of its own, so the profiled work itself runs slower than usual.
 */
export async function profileKernels(fn: () => void | Promise<void>): Promise<Profile | null> {
  const gpu = currentGpu();
  if (!gpu?.runtime.hasTimestamps) return null;
  return gpu.profile(fn, { clock: 'timestamp' });
}

/**
 * Why the current WebGPU backend's device was lost ("WebGPU device lost (reason): message"),
 * or null while it works (and on the CPU). After a loss every op throws; to carry on, call
 * releaseBackends() and useBackend('webgpu') again for a new device, and rebuild the tensors
 * from host copies (Tensor.data()). Tensors of the lost device can still be disposed.
 */
export function webgpuDeviceLost(): string | null {
  return currentGpu()?.runtime.lostReason ?? null;
}

/**
 * Destroys the current WebGPU backend's device as a driver reset or a GPU process crash would,
 * so recovery code can be tested. The loss is reported asynchronously (webgpuDeviceLost() turns
 * non-null once the device's `lost` promise settles); ops fail from then on. No-op on the CPU.
 */
export function simulateDeviceLoss(): void {
  currentGpu()?.device.destroy();
}
