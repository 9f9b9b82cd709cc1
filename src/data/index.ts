// The data layer: reads MNIST-format files, batches and binarizes them, and writes pictures
// and .npy arrays. Works on plain typed arrays; knows nothing of tensors.
export { decodeIdx, readIdx, isGzip, type IdxArray, type IdxData } from './idx.js';
export { encodeIdx } from './idx-encode.js';
export { IDX_TYPES, type IdxType, type IdxTypeName } from './idx-format.js';
export { loadMnist, loadMnistSplit, defaultMnistDir, findIdxFile, MNIST_FILES, type MnistSet } from './mnist.js';
export { subset, pixelsPerImage, type Split } from './split.js';
export { createRng, mixSeed, type Rng } from './rng.js';
export { permutation, shuffleInPlace } from './shuffle.js';
export { batches, batchCount, epochOrder, gatherBatch, type Batch, type BatchOptions } from './batches.js';
export { binarizeStatic, binarizeDynamic } from './binarize.js';
export { createRaster, encodePng, writePng, type Raster, type Rgb } from './raster.js';
export { renderImageGrid, writeImageGrid, type ImageGridOptions } from './image-grid.js';
export { renderScatter, writeScatterPng, CLASS_COLORS, type ScatterOptions } from './scatter.js';
export { pca2, type Pca2Options } from './pca.js';
export { encodeNpy, decodeNpy, writeNpy, type NpyArray } from './npy.js';
export { writeFileAtomic } from './atomic-write.js';
