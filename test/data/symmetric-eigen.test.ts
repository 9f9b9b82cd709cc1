// Jacobi eigendecomposition: A = V diag(λ) Vᵀ with V orthonormal, on random symmetric matrices.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { symmetricEigen, symmetricSqrt } from '../../src/data/symmetric-eigen.js';

const symmetric = fc.integer({ min: 1, max: 12 }).chain((n) =>
  fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: n * n, maxLength: n * n }).map((raw) => {
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = raw[Math.min(i, j) * n + Math.max(i, j)]!;
    return { n, a };
  }),
);

function product(a: Float64Array, b: Float64Array, n: number, transposeB = false): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k]! * (transposeB ? b[j * n + k]! : b[k * n + j]!);
      out[i * n + j] = s;
    }
  return out;
}

describe('symmetricEigen', () => {
  it('reconstructs A from orthonormal eigenvectors', () => {
    fc.assert(
      fc.property(symmetric, ({ n, a }) => {
        const { values, vectors } = symmetricEigen(a, n);
        const vvt = product(vectors, vectors, n, true);
        const scaled = vectors.map((x, idx) => x * values[idx % n]!);
        const back = product(scaled, vectors, n, true);
        for (let k = 0; k < n * n; k++) {
          expect(vvt[k]).toBeCloseTo(Math.floor(k / n) === k % n ? 1 : 0, 9);
          expect(back[k]).toBeCloseTo(a[k]!, 8);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('gives a square root whose square is the PSD matrix', () => {
    fc.assert(
      fc.property(symmetric, ({ n, a }) => {
        const psd = product(a, a, n, true); // A Aᵀ is PSD
        const root = symmetricSqrt(psd, n);
        const square = product(root, root, n);
        for (let k = 0; k < n * n; k++) expect(square[k]).toBeCloseTo(psd[k]!, 6);
      }),
      { numRuns: 40 },
    );
  });

  it('names a bad input', () => {
    expect(() => symmetricEigen([1, 2, 3], 2)).toThrow(/2×2 matrix needs 4 values, got 3/);
    expect(() => symmetricEigen([1, Number.NaN, Number.NaN, 1], 2)).toThrow(/entry \(0, 1\) is NaN/);
  });
});
