// Turns grey intensities into 0/1 pixels for a Bernoulli decoder.
import type { Rng } from './rng.js';

/** 1 where the intensity exceeds the threshold, else 0: the same every time. */
export function binarizeStatic(
  images: Float32Array,
  threshold = 0.5,
  out = new Float32Array(images.length),
): Float32Array {
  let i = 0;
  for (const v of images) out[i++] = v > threshold ? 1 : 0;
  return out;
}

/** A fresh draw per pixel: 1 with probability equal to its intensity (x ~ Bernoulli(p)). */
export function binarizeDynamic(images: Float32Array, rng: Rng, out = new Float32Array(images.length)): Float32Array {
  let i = 0;
  for (const v of images) out[i++] = rng.nextFloat() < v ? 1 : 0;
  return out;
}
