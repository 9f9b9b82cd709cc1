// vae-webgpu: the public API. Nothing inside the library imports from this file.

// tensors and creation
export { Tensor, isTensor, type NestedArray, type Scalar } from './tensor/tensor.js';
export { tensor, zeros, ones, full, arange, rand, randn, type CreateOptions } from './tensor/creation.js';
export { manualSeed, randomState, setRandomState } from './tensor/random.js';

// ops over several tensors
export { concat, oneHot } from './tensor/ops/views.js';
export { checkIndices, IndexOutOfRangeError } from './tensor/indices.js';
export { where, type Operand } from './tensor/ops/elementwise.js';
export { binaryCrossEntropyWithLogits, mseLoss, type Reduction, type LossOptions } from './tensor/ops/loss.js';
export { crossEntropy, nllLoss } from './tensor/ops/cross-entropy.js';
export { gather, indexSelect, argmax, argmin } from './tensor/ops/indexing.js';
export { gelu, silu } from './tensor/ops/elementwise.js';
export { dropout } from './tensor/ops/dropout.js';
export { layerNorm } from './tensor/ops/layer-norm.js';
export { linear, type Activation } from './tensor/ops/linear.js';

// memory
export { tidy, keep, type TidyResult } from './tensor/tidy.js';
export { memoryStats, type MemoryStats } from './tensor/memory.js';
export type { BackendUsage } from './tensor/storage.js';
export { debugLeaks, type LeakReport, type DebugLeaksOptions } from './tensor/lifetime.js';

// backends
export {
  useBackend,
  backendInfo,
  sync,
  releaseBackends,
  setDefaultFloatDType,
  type BackendChoice,
  type BackendInfo,
  type BackendName,
} from './tensor/backends.js';
export type { Backend, DType, Shape, TypedArray } from './kernels/backend.js';
// the WebGPU matmul's autotuning: tuneMatmulsFor(model.config, batch, store) applies the table
// kept for this adapter and times the shapes it lacks — in a browser's IndexedDB here, in a file
// with fileTuningStore from 'vae-webgpu/node'
export { tuneMatmulsFor } from './vae/matmul-shapes.js';
export {
  indexedDBTuningStore,
  loadMatmulTuningFromIndexedDB,
  saveMatmulTuningToIndexedDB,
} from './kernels/webgpu/tuning-idb.js';
export type { MatmulTuning } from './kernels/webgpu/kernels/matmul/tune.js';
export type {
  CandidateTime,
  MatmulTuneResult,
  MatmulTuningReport,
  MatmulTuningStore,
} from './kernels/webgpu/matmul-tuning.js';

// engine introspection: the adapter, kernel launches, per-kernel time, the WGSL in use, device loss
export {
  webgpuAdapter,
  kernelCounters,
  kernelsInUse,
  profileKernels,
  webgpuDeviceLost,
  simulateDeviceLoss,
  type AdapterSummary,
  type KernelCounters,
  type KernelInfo,
  type KernelTime,
  type Profile,
  type ProfileClock,
} from './tensor/engine.js';

// autograd (record: define your own op — its name, inputs, output, saved tensors and backward)
export { noGrad, isGradEnabled } from './autograd/grad-mode.js';
export { record, type Grads, type Needs } from './autograd/record.js';
export type { BackwardFn } from './autograd/node.js';
export {
  gradcheck,
  type GradcheckOptions,
  type GradcheckReport,
  type GradcheckInputReport,
} from './autograd/gradcheck.js';

// nn: modules, optimizers, the safetensors format (bytes; files are in 'vae-webgpu/node')
export { Module, type StateDict } from './nn/module.js';
export type { Layer } from './nn/layer.js';
export { Linear } from './nn/linear.js';
export { MLP } from './nn/mlp.js';
export { Sequential } from './nn/sequential.js';
export { ReLU, GELU, SiLU, Sigmoid, Tanh } from './nn/activations.js';
export { Dropout } from './nn/dropout.js';
export { LayerNorm, type LayerNormOptions } from './nn/layer-norm.js';
export { Embedding } from './nn/embedding.js';
export {
  Optimizer,
  SGD,
  Adam,
  ADAM_DEFAULTS,
  type SGDOptions,
  type AdamOptions,
  type OptimizerStateDict,
} from './nn/optim.js';
export { stepDecay, cosineDecay, linearWarmup, type LrSchedule } from './nn/lr-schedule.js';
export { clipGradNorm } from './nn/clip-grad.js';
export {
  encodeSafetensors,
  decodeSafetensors,
  type RawTensor,
  type DecodedSafetensors,
} from './nn/safetensors.js';
export { encodeStateDict, decodeStateDict } from './nn/state-bytes.js';

// the models
export { VAE, type VAEConfig, type ElboTerms, type ExampleTerms, type Posterior } from './vae/vae.js';
export { CVAE, type CVAEConfig } from './vae/cvae.js';
export {
  VAE_DEFAULTS,
  CVAE_DEFAULTS,
  VAE_TRAIN_DEFAULTS,
  CVAE_TRAIN_DEFAULTS,
  defaultModelConfig,
  defaultTrainConfig,
  defaultLearningRate,
  VAE_LR,
  CVAE_LR,
  type ModelKind,
  type ModelDefaults,
} from './vae/defaults.js';
export {
  reparameterize,
  klToStandardNormal,
  klBetweenGaussians,
  logNormalDensity,
  logStandardNormalDensity,
} from './vae/gaussian.js';
export { negLogLikelihood, meanImage, type Likelihood } from './vae/likelihood.js';
export type { TermReduction } from './tensor/ops/vae-terms.js';
export { importanceWeightedLogLikelihood, activeUnits } from './vae/evaluate.js';
// checkpoints as bytes (config.json text + model.safetensors bytes); files are in 'vae-webgpu/node'
export {
  encodeCheckpoint,
  decodeCheckpoint,
  CHECKPOINT_FORMAT,
  type CheckpointFiles,
  type LoadedCheckpoint,
  type SavedRun,
} from './vae/checkpoint-format.js';
export {
  train,
  evaluateElbo,
  klWeight,
  prepareImages,
  TrainingDivergedError,
  type TrainConfig,
  type TrainRun,
  type TrainCallbacks,
  type TrainProgress,
  type EpochMetrics,
  type Terms,
  type Binarize,
  type EpochPartial,
} from './vae/train.js';

// data that needs no file system
export { batches, batchCount, type Batch, type BatchOptions } from './data/batches.js';
export { binarizeStatic, binarizeDynamic } from './data/binarize.js';
export { subset, type Split } from './data/split.js';
export { createRng, type Rng } from './data/rng.js';
export { pca2, pcaPlane, type PcaPlane, type Pca2Options } from './data/pca.js';
export {
  decodeIdx,
  decodeIdxAsync,
  isGzip,
  type IdxArray,
  type IdxData,
  type DecodeIdxOptions,
} from './data/idx-decode.js';
