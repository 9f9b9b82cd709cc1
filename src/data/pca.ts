// Projects N points in d dimensions onto their top two principal components, by block power
// iteration: V ← Xcᵀ(Xc V), then Gram–Schmidt, where Xc is the data minus its mean. Never
// forms the d×d covariance, so each step costs O(N·d).
import { createRng } from './rng.js';

/** Options of {@link pca2}'s power iteration. */
export interface Pca2Options {
  /** The most power-iteration steps (default 500). */
  maxIterations?: number;
  /** Stop when both directions move less than this (1 − |cos|). */
  tolerance?: number;
}

// The vectors below all have length d; a mismatch would read undefined and give NaN, not a
// plausible wrong answer.

/** a · b */
function dot(a: ArrayLike<number> & Iterable<number>, b: ArrayLike<number>): number {
  let s = 0,
    k = 0;
  for (const x of a) s += x * (b[k++] ?? NaN);
  return s;
}

/** y ← y + alpha x, in place. */
function axpy(alpha: number, x: ArrayLike<number>, y: Float64Array): void {
  y.forEach((v, k) => (y[k] = v + alpha * (x[k] ?? NaN)));
}

/** Scales v to unit length in place; leaves a zero vector zero. */
function normalize(v: Float64Array): void {
  const norm = Math.sqrt(dot(v, v));
  if (norm > 0) v.forEach((x, k) => (v[k] = x / norm));
}

/** w2 ← w2 − (w2·w1) w1, then both to unit length. */
function orthonormalize(w1: Float64Array, w2: Float64Array): void {
  normalize(w1);
  axpy(-dot(w2, w1), w1, w2);
  normalize(w2);
}

/** Flips v so its largest-magnitude entry is positive: the same axes on every run. */
function fixSign(v: Float64Array): void {
  const big = v.reduce((big, x) => (Math.abs(x) > Math.abs(big) ? x : big), 0);
  if (big < 0) v.forEach((x, k) => (v[k] = -x));
}

/** The plane of the top two principal components: its origin (the data's mean) and unit axes. */
export interface PcaPlane {
  /** The data's mean: the plane's origin (d values). */
  mean: Float64Array;
  /** The first and second principal directions, unit length (d values each). */
  axes: [Float64Array, Float64Array];
  /** N×2: each point's coordinates along the two axes. */
  coords: Float32Array;
}

/** data is N×d row-major; returns N×2: each point's coordinates along PC1 and PC2. */
export function pca2(data: Float32Array, n: number, d: number, options: Pca2Options = {}): Float32Array {
  return pcaPlane(data, n, d, options).coords;
}

/**
 * The top-two principal plane of N×d row-major data, with each point's coordinates in it. A
 * point (u, v) of the plane is mean + u·axes[0] + v·axes[1] back in d dimensions.
 */
export function pcaPlane(data: Float32Array, n: number, d: number, options: Pca2Options = {}): PcaPlane {
  const { maxIterations = 500, tolerance = 1e-10 } = options;
  if (data.length !== n * d) throw new Error(`pca2: ${n}×${d} needs ${n * d} values, got ${data.length}`);
  const row = (i: number) => data.subarray(i * d, (i + 1) * d);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) axpy(1, row(i), mean);
  mean.forEach((m, k) => (mean[k] = m / Math.max(n, 1)));

  // A fixed pseudo-random start: unlikely to be orthogonal to the answer.
  const rng = createRng(0x9ca2);
  let v1 = Float64Array.from({ length: d }, () => rng.nextFloat() - 0.5);
  let v2 = Float64Array.from({ length: d }, () => rng.nextFloat() - 0.5);
  orthonormalize(v1, v2);
  const centred = new Float64Array(d);
  const centre = (x: Float32Array) => x.forEach((v, k) => (centred[k] = v - (mean[k] ?? NaN)));
  for (let iter = 0; iter < maxIterations; iter++) {
    const w1 = new Float64Array(d);
    const w2 = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      centre(row(i));
      axpy(dot(centred, v1), centred, w1);
      axpy(dot(centred, v2), centred, w2);
    }
    orthonormalize(w1, w2);
    const moved = Math.max(1 - Math.abs(dot(v1, w1)), 1 - Math.abs(dot(v2, w2)));
    v1 = w1;
    v2 = w2;
    if (moved < tolerance) break;
  }
  fixSign(v1);
  fixSign(v2);

  const coords = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    centre(row(i));
    coords[2 * i] = dot(centred, v1);
    coords[2 * i + 1] = dot(centred, v2);
  }
  return { mean, axes: [v1, v2], coords };
}
