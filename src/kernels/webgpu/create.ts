// createWebGPUBackend: adapter → device → runtime → backend, or null when there is no adapter.
import { summarizeAdapter } from './adapter-summary.js';
import { getGpu } from './gpu-api.js';
import { Runtime, type RuntimeOptions } from './runtime.js';
import { WebGPUBackend } from './webgpu-backend.js';

export interface WebGPUBackendOptions extends RuntimeOptions {
  /** Use this GPU object instead of navigator.gpu / the `webgpu` package. */
  gpu?: GPU;
  /**
   * Flags for Dawn's Node bindings. The default turns off Dawn's timestamp quantization (a
   * browser's fingerprinting guard that rounds timestamps to ~65 µs), so profiles and
   * benchmarks can time kernels that take microseconds.
   */
  dawnFlags?: string[];
  powerPreference?: GPUPowerPreference;
  /** Request timestamp queries when the adapter has them (default true). */
  timestamps?: boolean;
}

export const DEFAULT_DAWN_FLAGS: readonly string[] = ['disable-dawn-features=timestamp_quantization'];

/** CPU implementations of Vulkan/WebGPU, where barriers are costly and tiling does not pay. */
export function isCpuAdapter(info: GPUAdapterInfo): boolean {
  const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`.toLowerCase();
  return /llvmpipe|lavapipe|swiftshader|software|warp|microsoft basic/.test(text);
}

export async function createWebGPUBackend(options: WebGPUBackendOptions = {}): Promise<WebGPUBackend | null> {
  const gpu = options.gpu ?? (await getGpu(options.dawnFlags ?? DEFAULT_DAWN_FLAGS));
  if (!gpu) return null;
  const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference });
  if (!adapter) return null;

  // subgroups: one matmul candidate shares loaded values across the lanes (kernels/matmul/tune.ts)
  const wanted = [...(options.timestamps === false ? [] : ['timestamp-query']), 'subgroups'] as GPUFeatureName[];
  const requiredFeatures = wanted.filter((f) => adapter.features.has(f));
  const lim = adapter.limits;
  const device = await adapter.requestDevice({
    requiredFeatures,
    // ask for what the adapter really offers rather than the conservative defaults
    requiredLimits: {
      maxStorageBufferBindingSize: lim.maxStorageBufferBindingSize,
      maxBufferSize: lim.maxBufferSize,
      minUniformBufferOffsetAlignment: lim.minUniformBufferOffsetAlignment,
      maxStorageBuffersPerShaderStage: lim.maxStorageBuffersPerShaderStage,
    },
  });
  const info = adapter.info;
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((s) => s && s.length > 0);
  const description = `WebGPU: ${parts.join(' / ') || 'unknown adapter'}`;
  const runtime = new Runtime(device, options);
  // Hold on to the GPU and adapter: with Dawn's Node bindings, a garbage-collected GPU object
  // tears down the instance under a live device (the process dies inside the driver).
  runtime.keepAlive = [gpu, adapter];
  return new WebGPUBackend(runtime, description, isCpuAdapter(info), summarizeAdapter(info, device));
}
