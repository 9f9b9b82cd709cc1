// The global random stream: a 64-bit seed and a count of random calls so far. Each rand/randn
// call takes the next stream number, and its elements come from Philox(seed, (i, stream)):
// the same sequence of calls gives the same numbers on the CPU and on the GPU.
let seed: [number, number] = [0x2545f491, 0x4f6cdd1d];
let stream = 0;

/** Restarts the random stream from a seed (a non-negative integer below 2^53). */
export function manualSeed(value: number): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new Error(`manualSeed: seed must be a non-negative safe integer, got ${value}`);
  seed = [value >>> 0, Math.floor(value / 2 ** 32) >>> 0];
  stream = 0;
}

/** The key and stream number for the next random call. */
export function nextRandomCall(): { seed: [number, number]; stream: [number, number] } {
  const s = stream++;
  return { seed: [...seed] as [number, number], stream: [s >>> 0, Math.floor(s / 2 ** 32) >>> 0] };
}

/** The generator's position, to save in a checkpoint and restore on resume. */
export function randomState(): {
  /** The 64-bit key of the counter-based generator, as two 32-bit halves. */
  seed: [number, number];
  /** How many random calls were made since the seed was set. */
  stream: number;
} {
  return { seed: [...seed] as [number, number], stream };
}
/** Puts the generator back where {@link randomState} found it: the same draws follow. */
export function setRandomState(state: { seed: [number, number]; stream: number }): void {
  seed = [state.seed[0] >>> 0, state.seed[1] >>> 0];
  stream = state.stream;
}
