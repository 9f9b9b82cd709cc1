// The WebGPU backend: public surface.
export { createWebGPUBackend, isCpuAdapter, type WebGPUBackendOptions } from './create.js';
export { WebGPUBackend, type WebGPUStats } from './webgpu-backend.js';
export { WebGPUBuf } from './buffer.js';
export { summarizeAdapter, type AdapterSummary } from './adapter-summary.js';
export type { MatmulStrategy, MatmulStrategyChoice } from './kernels/matmul/index.js';
export { Runtime, type KernelSpec, type RuntimeOptions } from './runtime.js';
export {
  formatProfile,
  mergeProfiles,
  profileSteps,
  type KernelTime,
  type Profile,
  type ProfileClock,
  type StepProfile,
} from './profile.js';
