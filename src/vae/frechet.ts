// The Fréchet distance between two Gaussians fitted to two sets of feature vectors — FID
// (Heusel et al. 2017) when the features come from a trained classifier:
//   d² = |μ₁ − μ₂|² + tr(Σ₁) + tr(Σ₂) − 2 tr((Σ₁Σ₂)^½).
// Σ₁Σ₂ is not symmetric, but it is similar to the symmetric PSD matrix Σ₁^½ Σ₂ Σ₁^½ (conjugate by
// Σ₁^½), so tr((Σ₁Σ₂)^½) = Σᵢ √λᵢ(Σ₁^½ Σ₂ Σ₁^½): two symmetric eigendecompositions (Jacobi), all in
// float64 on the CPU.
import { symmetricEigen, symmetricSqrt } from '../data/symmetric-eigen.js';

export interface Gaussian {
  dim: number;
  mean: Float64Array;
  /** dim × dim, row-major; the unbiased (n − 1) estimate, as numpy.cov. */
  covariance: Float64Array;
}

/** Mean and covariance of count row vectors of length dim (row-major). */
export function fitGaussian(rows: ArrayLike<number>, dim: number): Gaussian {
  const count = Math.floor(rows.length / dim);
  if (count < 2 || count * dim !== rows.length)
    throw new Error(`fitGaussian: needs at least 2 whole rows of ${dim} values, got ${rows.length} values`);
  const mean = new Float64Array(dim);
  for (let i = 0; i < count; i++) for (let k = 0; k < dim; k++) mean[k]! += rows[i * dim + k]!;
  for (let k = 0; k < dim; k++) mean[k]! /= count;
  const covariance = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < dim; k++) centred[k] = rows[i * dim + k]! - mean[k]!;
    for (let a = 0; a < dim; a++) {
      const ca = centred[a]!;
      if (ca === 0) continue;
      for (let b = a; b < dim; b++) covariance[a * dim + b]! += ca * centred[b]!;
    }
  }
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      const c = covariance[a * dim + b]! / (count - 1);
      covariance[a * dim + b] = c;
      covariance[b * dim + a] = c;
    }
  }
  return { dim, mean, covariance };
}

function matmul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j]! += aik * b[k * n + j]!;
    }
  }
  return out;
}

/** The Fréchet distance d² between two Gaussians (in squared feature units, as FID reports it). */
export function frechetDistance(p: Gaussian, q: Gaussian): number {
  if (p.dim !== q.dim) throw new Error(`frechetDistance: dimensions differ (${p.dim} and ${q.dim})`);
  const n = p.dim;
  let meanTerm = 0,
    traces = 0;
  for (let k = 0; k < n; k++) {
    meanTerm += (p.mean[k]! - q.mean[k]!) ** 2;
    traces += p.covariance[k * n + k]! + q.covariance[k * n + k]!;
  }
  const root = symmetricSqrt(p.covariance, n);
  const middle = matmul(matmul(root, q.covariance, n), root, n);
  const { values } = symmetricEigen(middle, n);
  let traceOfRoot = 0;
  for (const l of values) traceOfRoot += Math.sqrt(Math.max(l, 0));
  return meanTerm + traces - 2 * traceOfRoot;
}
