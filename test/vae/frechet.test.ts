// The Fréchet distance against closed forms: zero for equal Gaussians; for commuting (diagonal)
// covariances |μ₁ − μ₂|² + Σ (√a − √b)²; symmetric in its arguments.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitGaussian, frechetDistance, type Gaussian } from '../../src/vae/frechet.js';

const diagonal = (mean: number[], variances: number[]): Gaussian => {
  const n = mean.length;
  const covariance = new Float64Array(n * n);
  variances.forEach((v, i) => (covariance[i * n + i] = v));
  return { dim: n, mean: Float64Array.from(mean), covariance };
};

describe('frechetDistance', () => {
  it('matches the closed form for diagonal covariances', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }).chain((n) => {
          const vector = fc.array(fc.double({ min: 0.01, max: 5, noNaN: true }), { minLength: n, maxLength: n });
          return fc.tuple(vector, vector, vector, vector);
        }),
        ([m1, m2, v1, v2]) => {
          const expected = m1.reduce(
            (s, _, i) => s + (m1[i]! - m2[i]!) ** 2 + (Math.sqrt(v1[i]!) - Math.sqrt(v2[i]!)) ** 2,
            0,
          );
          expect(frechetDistance(diagonal(m1, v1), diagonal(m2, v2))).toBeCloseTo(expected, 8);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('is zero between a fitted Gaussian and itself and symmetric between two', () => {
    const rows = Float64Array.from({ length: 200 * 6 }, (_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1);
    const other = rows.map((x, i) => x * (1 + (i % 6) / 3) + (i % 3));
    const p = fitGaussian(rows, 6);
    const q = fitGaussian(other, 6);
    expect(Math.abs(frechetDistance(p, p))).toBeLessThan(1e-9);
    expect(frechetDistance(p, q)).toBeCloseTo(frechetDistance(q, p), 9);
    expect(frechetDistance(p, q)).toBeGreaterThan(0.5);
  });

  it('fits the unbiased covariance', () => {
    const g = fitGaussian([1, 2, 3, 6], 2); // rows (1,2) and (3,6)
    expect(Array.from(g.mean)).toEqual([2, 4]);
    expect(Array.from(g.covariance)).toEqual([2, 4, 4, 8]);
    expect(() => fitGaussian([1, 2, 3], 2)).toThrow(/whole rows of 2/);
  });
});
