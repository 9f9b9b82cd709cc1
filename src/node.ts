// vae-webgpu/node: the parts that read and write files (Node only). The browser-safe API is
// the package's main entry.
export { loadMnist, loadMnistSplit, defaultMnistDir, type MnistSet } from './data/mnist.js';
export { readIdx, decodeIdx, type IdxArray } from './data/idx.js';
export { encodeIdx } from './data/idx-encode.js';
export { writeImageGrid, type ImageGridOptions } from './data/image-grid.js';
export type { Rgb } from './data/raster.js';
export { writeScatterPng, type ScatterOptions } from './data/scatter.js';
export { writeNpy, encodeNpy, decodeNpy, type NpyArray } from './data/npy.js';
export { saveSafetensors, loadSafetensors } from './nn/safetensors-file.js';
export { saveCheckpoint, loadCheckpoint, loadTrainingState } from './vae/checkpoint.js';
export {
  defaultTuningFile,
  fileTuningStore,
  loadMatmulTuning,
  saveMatmulTuning,
} from './kernels/webgpu/tuning-file.js';
