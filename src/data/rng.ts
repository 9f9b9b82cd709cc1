// A small seeded generator for data-side randomness (shuffling, dynamic binarization):
// mulberry32, 32 bits of state, good enough statistically and reproducible everywhere.

/** A seeded stream of random numbers for data-side work (shuffling, binarization); see {@link createRng}. */
export interface Rng {
  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** A uniform float in [0, 1) with 32 bits of resolution. */
  nextFloat(): number;
  /** A uniform integer in [0, n), unbiased (rejection sampling), n ≤ 2^32. */
  nextInt(n: number): number;
}

/** Mixes several integers into one 32-bit seed, so (seed, epoch) pairs give unrelated streams. */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x01000193);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
  }
  return h >>> 0;
}

/** A seeded generator (mulberry32): the same numbers for the same seed on every platform. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const nextUint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const nextInt = (n: number): number => {
    if (!(n >= 1 && n <= 2 ** 32) || !Number.isInteger(n))
      throw new Error(`nextInt: n must be an integer in [1, 2^32], got ${n}`);
    // Reject the top partial block of 2^32 so every residue is equally likely.
    const limit = 2 ** 32 - (2 ** 32 % n);
    let x = nextUint32();
    while (x >= limit) x = nextUint32();
    return x % n;
  };
  return { nextUint32, nextFloat: () => nextUint32() * 2 ** -32, nextInt };
}
