// Which backend new tensors are created on, and the default float dtype.
// `useBackend('webgpu')` loads the WebGPU backend lazily, so a CPU-only user never touches it.
// 'cpu' is the fast CPU backend (kernels/cpu-fast: WebAssembly SIMD matmul and Adam); the plain reference
// kernels (kernels/cpu) stay reachable as 'cpu-reference' — the oracle of the kernel tests. Float64
// (gradcheck) on 'cpu' runs the reference's loops, so models built on 'cpu' can be gradchecked.
import type { Backend, DType } from '../kernels/backend.js';
import { CpuBackend } from '../kernels/cpu/cpu-backend.js';
import { FastCpuBackend } from '../kernels/cpu-fast/fast-cpu-backend.js';

/** The backends: 'cpu' (fast WebAssembly/JS kernels; float64 for gradcheck) and 'webgpu'. */
export type BackendName = 'cpu' | 'webgpu';
/**
 * What {@link useBackend} accepts: a backend, 'cpu-reference' (the plain reference loops the
 * tests check every kernel against), or 'auto' (WebGPU when there is an adapter, else the CPU).
 */
export type BackendChoice = BackendName | 'cpu-reference' | 'auto';

/** Which backend new tensors go to, what it runs on, and why it was chosen. */
export interface BackendInfo {
  /** The backend new tensors go to. */
  name: BackendName;
  /** The device: the adapter for WebGPU, the kind of kernels for the CPU. */
  description: string;
  /** Why this backend: what was asked for and, for 'auto', what was found. */
  reason: string;
}

const reference = new CpuBackend();
const cpu = new FastCpuBackend();
let current: Backend = cpu;
let defaultFloat: DType = 'float32';
let webgpu: Backend | null = null;
let reason = "the default; call useBackend('webgpu') or useBackend('auto') for the GPU";

/** The CPU backend 'cpu' names: fast kernels, float64 on the reference's loops. */
export function cpuBackend(): Backend {
  return cpu;
}

/** The reference CPU backend: plain loops, obviously correct; what every other kernel is tested against. */
export function referenceBackend(): Backend {
  return reference;
}

export function currentBackend(): Backend {
  return current;
}

export function defaultFloatDType(): DType {
  return defaultFloat;
}

/** A backend by name (the WebGPU one must have been created by useBackend first), or itself. */
export function resolveBackend(target: BackendName | Backend): Backend {
  if (typeof target !== 'string') return target;
  if (target === 'cpu') return cpu;
  if (target === 'webgpu' && webgpu) return webgpu;
  throw new Error(`no ${target} backend: call await useBackend('${target}') first`);
}

/** The WebGPU backend if one was created (useBackend('webgpu' | 'auto')), else null. */
export function webgpuBackend(): Backend | null {
  return webgpu;
}

async function loadWebGPU(): Promise<Backend | null> {
  if (webgpu) return webgpu;
  const mod = await import('../kernels/webgpu/index.js');
  webgpu = await mod.createWebGPUBackend();
  return webgpu;
}

function noAdapterAdvice(): string {
  const inBrowser = typeof (globalThis as { document?: unknown }).document !== 'undefined';
  return inBrowser
    ? 'WebGPU needs a browser that enables it and a secure context (https or localhost); headless Chromium needs ' +
        '--enable-unsafe-webgpu. Or use the cpu backend.'
    : 'On a headless Linux machine install a Vulkan driver (scripts/install-webgpu-driver.sh ' +
        'installs Mesa lavapipe), or use the cpu backend.';
}

/**
 * Selects the backend for new tensors and says which one and why. 'auto' takes WebGPU when an
 * adapter exists and otherwise the CPU (the reason says what was missing and how to get it);
 * 'webgpu' fails with a clear error when there is none. Pass `log` (e.g. console.log) to have
 * the choice printed as one line.
 *
 * @example
 * ```ts
 * const info = await useBackend('auto', { log: console.log });
 * // backend: webgpu — WebGPU: mesa / llvmpipe ... (auto: a WebGPU adapter was found)
 * ```
 */
export async function useBackend(
  choice: BackendChoice,
  opts: { log?: (line: string) => void } = {},
): Promise<BackendInfo> {
  if (choice === 'cpu') {
    current = cpu;
    reason = "asked for 'cpu'";
  } else if (choice === 'cpu-reference') {
    current = reference;
    reason = "asked for 'cpu-reference'";
  } else if (choice === 'webgpu' || choice === 'auto') {
    const gpu = await loadWebGPU();
    if (gpu) {
      current = gpu;
      reason = choice === 'auto' ? 'auto: a WebGPU adapter was found' : "asked for 'webgpu'";
    } else if (choice === 'webgpu') {
      throw new Error(`useBackend: no WebGPU adapter found. ${noAdapterAdvice()}`);
    } else {
      current = cpu;
      reason = `auto: no WebGPU adapter found, so the CPU. ${noAdapterAdvice()}`;
    }
  } else {
    throw new Error(
      `useBackend: unknown backend '${String(choice)}' (expected 'cpu', 'cpu-reference', 'webgpu' or 'auto')`,
    );
  }
  const info = backendInfo();
  opts.log?.(`backend: ${info.name} — ${info.description} (${info.reason})`);
  return info;
}

/** The backend new tensors go to, its device, and why it was chosen. */
export function backendInfo(): BackendInfo {
  return { name: current.name, description: current.description, reason };
}

/**
 * Resolves when the device has finished all work queued so far, on every backend in use.
 * GPU kernels run asynchronously: time a piece of GPU work as `await sync()` before and after.
 * (Reading a tensor, `await t.data()`, also waits — for the work that tensor needs.)
 *
 * @example
 * ```ts
 * await sync();
 * const t0 = performance.now();
 * for (let i = 0; i < 100; i++) tidy(() => trainStep());
 * await sync();
 * console.log('ms per step', (performance.now() - t0) / 100);
 * ```
 */
export async function sync(): Promise<void> {
  await cpu.sync();
  await reference.sync();
  if (webgpu) await webgpu.sync();
}

/** Runs fn with a given backend and default float dtype (gradcheck runs on the CPU in float64). */
export function withDefaults<T>(backend: Backend, dtype: DType, fn: () => T): T {
  const [b, d] = [current, defaultFloat];
  current = backend;
  defaultFloat = dtype;
  try {
    return fn();
  } finally {
    current = b;
    defaultFloat = d;
  }
}

/** Sets the default float dtype for new tensors ('float64' only works on the CPU backend). */
export function setDefaultFloatDType(dtype: 'float32' | 'float64'): void {
  if (dtype !== 'float32' && dtype !== 'float64')
    throw new Error(`setDefaultFloatDType: expected 'float32' or 'float64', got ${JSON.stringify(dtype)}`);
  defaultFloat = dtype;
}

/** Releases the GPU device (so the Node process can exit) and returns to the CPU backend. */
export function releaseBackends(): void {
  webgpu?.destroy();
  webgpu = null;
  current = cpu;
  reason = 'the GPU was released (releaseBackends)';
}
