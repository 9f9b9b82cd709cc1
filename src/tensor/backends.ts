// Which backend new tensors are created on, and the default float dtype.
// `useBackend('webgpu')` loads the WebGPU backend lazily, so a CPU-only user never touches it.
// 'cpu' is the fast CPU backend (kernels/cpu-fast: WebAssembly SIMD matmul); the plain reference
// kernels (kernels/cpu) stay reachable as 'cpu-reference' — the oracle of the kernel tests. Float64
// (gradcheck) on 'cpu' runs the reference's loops, so models built on 'cpu' can be gradchecked.
import type { Backend, DType } from '../kernels/backend.js';
import { CpuBackend } from '../kernels/cpu/cpu-backend.js';
import { FastCpuBackend } from '../kernels/cpu-fast/fast-cpu-backend.js';

export type BackendName = 'cpu' | 'webgpu';
export type BackendChoice = BackendName | 'cpu-reference' | 'auto';

export interface BackendInfo {
  name: BackendName;
  description: string;
}

const reference = new CpuBackend();
const cpu = new FastCpuBackend();
let current: Backend = cpu;
let defaultFloat: DType = 'float32';
let webgpu: Backend | null = null;

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
    ? 'WebGPU needs a browser that enables it and a secure context (https or localhost); headless Chromium needs --enable-unsafe-webgpu. Or use the cpu backend.'
    : 'On a headless Linux machine install a Vulkan driver (scripts/install-webgpu-driver.sh installs Mesa lavapipe), or use the cpu backend.';
}

/**
 * Selects the backend for new tensors. 'auto' takes WebGPU when an adapter exists and otherwise
 * the CPU; 'webgpu' fails with a clear error when there is none.
 */
export async function useBackend(choice: BackendChoice): Promise<BackendInfo> {
  if (choice === 'cpu') {
    current = cpu;
  } else if (choice === 'cpu-reference') {
    current = reference;
  } else if (choice === 'webgpu' || choice === 'auto') {
    const gpu = await loadWebGPU();
    if (gpu) current = gpu;
    else if (choice === 'webgpu') {
      throw new Error(`useBackend: no WebGPU adapter found. ${noAdapterAdvice()}`);
    } else current = cpu;
  } else {
    throw new Error(
      `useBackend: unknown backend '${String(choice)}' (expected 'cpu', 'cpu-reference', 'webgpu' or 'auto')`,
    );
  }
  return backendInfo();
}

export function backendInfo(): BackendInfo {
  return { name: current.name, description: current.description };
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
  defaultFloat = dtype;
}

/** Releases the GPU device (so the Node process can exit) and returns to the CPU backend. */
export function releaseBackends(): void {
  webgpu?.destroy();
  webgpu = null;
  current = cpu;
}
