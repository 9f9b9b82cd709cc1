// vae-webgpu: the public API. Nothing inside the library imports from this file.

// tensors and creation
export { Tensor, isTensor, type NestedArray, type Scalar } from './tensor/tensor.js';
export { tensor, zeros, ones, full, arange, rand, randn, type CreateOptions } from './tensor/creation.js';
export { manualSeed } from './tensor/random.js';

// ops over several tensors
export { concat, oneHot } from './tensor/ops/views.js';
export { where } from './tensor/ops/elementwise.js';
export { binaryCrossEntropyWithLogits, type Reduction } from './tensor/ops/loss.js';
export { linear } from './tensor/ops/linear.js';

// memory
export { tidy, keep } from './tensor/tidy.js';
export { memoryStats, type MemoryStats } from './tensor/memory.js';

// backends
export { useBackend, backendInfo, releaseBackends, setDefaultFloatDType, type BackendChoice, type BackendInfo, type BackendName } from './tensor/backends.js';
export type { Backend, DType, Shape, TypedArray, Activation } from './kernels/backend.js';

// autograd
export { noGrad, isGradEnabled } from './autograd/grad-mode.js';
export { gradcheck, type GradcheckOptions, type GradcheckReport, type GradcheckInputReport } from './autograd/gradcheck.js';
