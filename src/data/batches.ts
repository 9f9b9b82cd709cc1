// Splits one epoch of a Split into minibatches, optionally in a seeded random order.
import { mixSeed } from './rng.js';
import { permutation } from './shuffle.js';
import { pixelsPerImage, type Split } from './split.js';

/** A minibatch copied out of a {@link Split}: `size` images and their labels. */
export interface Batch {
  /** size × rows × cols intensities, row-major. */
  images: Float32Array;
  /** The digit (class) of each image. */
  labels: Int32Array;
  /** Which examples of the split these are. */
  indices: Int32Array;
  /** The number of examples in this batch (the last one of an epoch may be smaller). */
  size: number;
}

/** Options of {@link batches}. */
export interface BatchOptions {
  /** Examples per batch. */
  batchSize: number;
  /** Random order when true (the default); the split's order when false. */
  shuffle?: boolean;
  /** Seed of the shuffle (default 0). */
  seed?: number;
  /** Mixed into the seed, so each epoch of one run gets its own order. */
  epoch?: number;
  /** Skip the last batch when it is smaller than batchSize. */
  dropLast?: boolean;
  /** Leave out the first `start` examples of the epoch's order (resuming an epoch mid-way). */
  start?: number;
}

/** The example order of one epoch. */
export function epochOrder(count: number, options: Pick<BatchOptions, 'shuffle' | 'seed' | 'epoch'> = {}): Int32Array {
  if (options.shuffle === false) return Int32Array.from({ length: count }, (_, i) => i);
  return permutation(count, mixSeed(options.seed ?? 0, options.epoch ?? 0));
}

/** Copies the chosen examples of a split into a fresh batch. */
export function gatherBatch(split: Split, indices: Int32Array): Batch {
  const pixels = pixelsPerImage(split);
  const images = new Float32Array(indices.length * pixels);
  const labels = new Int32Array(indices.length);
  indices.forEach((i, b) => {
    images.set(split.images.subarray(i * pixels, (i + 1) * pixels), b * pixels);
    labels.set(split.labels.subarray(i, i + 1), b);
  });
  return { images, labels, indices, size: indices.length };
}

/** How many batches one epoch yields. */
export function batchCount(count: number, batchSize: number, dropLast = false): number {
  return dropLast ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
}

/**
 * Yields the batches of one epoch; every example appears once (or not at all if dropped).
 *
 * @example
 * ```ts
 * for (const b of batches(mnist.train, { batchSize: 128, seed: 0, epoch })) {
 *   const x = tensor(b.images, [b.size, 784]);
 *   const y = tensor(b.labels); // int32 class indices
 * }
 * ```
 */
export function* batches(split: Split, options: BatchOptions): Generator<Batch> {
  const { batchSize, dropLast = false, start = 0 } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error(`batches: batchSize must be a positive integer, got ${batchSize}`);
  if (!Number.isInteger(start) || start < 0)
    throw new Error(`batches: start must be a non-negative integer, got ${start}`);
  const order = epochOrder(split.count, options).subarray(Math.min(start, split.count));
  const n = batchCount(order.length, batchSize, dropLast);
  for (let k = 0; k < n; k++) {
    yield gatherBatch(split, order.slice(k * batchSize, Math.min((k + 1) * batchSize, order.length)));
  }
}
