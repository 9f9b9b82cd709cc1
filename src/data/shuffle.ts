// Fisher–Yates: a uniformly random permutation driven by a seeded Rng.
import { createRng, type Rng } from './rng.js';

/** Shuffles in place and returns the same array. */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(array: T, rng: Rng): T {
  for (let i = array.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const [a = NaN, b = NaN] = [array[i], array[j]];
    array[i] = b;
    array[j] = a;
  }
  return array;
}

/** A random permutation of 0..n-1, the same for the same seed. */
export function permutation(n: number, seed: number): Int32Array {
  const indices = new Int32Array(n);
  for (let i = 0; i < n; i++) indices[i] = i;
  return shuffleInPlace(indices, createRng(seed));
}
