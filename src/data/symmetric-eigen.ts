// Eigendecomposition of a real symmetric matrix by the cyclic Jacobi method, in float64: each
// rotation zeroes one off-diagonal pair (p, q) of A ← JᵀAJ and accumulates V ← VJ, sweeping over
// all pairs until the off-diagonal mass is negligible (Golub & Van Loan, Matrix Computations,
// §8.5). Slower than QR-based methods for large n but short, exact in its invariants, and
// accurate for the small (≤ a few hundred) covariance matrices it serves here.

export interface SymmetricEigen {
  /** The eigenvalues, in the order of the columns of vectors (not sorted). */
  values: Float64Array;
  /** The orthonormal eigenvectors as the columns of an n×n row-major matrix. */
  vectors: Float64Array;
}

/** a is n×n row-major and symmetric (only its upper triangle is read); a is not modified. */
export function symmetricEigen(a: ArrayLike<number>, n: number, maxSweeps = 100): SymmetricEigen {
  if (a.length !== n * n) throw new Error(`symmetricEigen: an ${n}×${n} matrix needs ${n * n} values, got ${a.length}`);
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = a[i * n + j]!;
      if (!Number.isFinite(v)) throw new Error(`symmetricEigen: entry (${i}, ${j}) is ${v}`);
      m[i * n + j] = v;
      m[j * n + i] = v;
    }
  }
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let scale = 0;
  for (let k = 0; k < n * n; k++) scale += m[k]! * m[k]!;
  const tolerance = 1e-30 * Math.max(scale, Number.MIN_VALUE);

  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q]! ** 2;
    if (off <= tolerance) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (apq === 0) continue;
        const app = m[p * n + p]!,
          aqq = m[q * n + q]!;
        // The rotation angle that zeroes (p, q): t = tan θ, the smaller root of t² + 2τt − 1 = 0.
        const tau = (aqq - app) / (2 * apq);
        const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t),
          s = t * c;
        for (let k = 0; k < n; k++) {
          // columns p and q of A
          const akp = m[k * n + p]!,
            akq = m[k * n + q]!;
          m[k * n + p] = c * akp - s * akq;
          m[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          // rows p and q of A
          const apk = m[p * n + k]!,
            aqk = m[q * n + k]!;
          m[p * n + k] = c * apk - s * aqk;
          m[q * n + k] = s * apk + c * aqk;
        }
        m[p * n + q] = 0;
        m[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!,
            vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = m[i * n + i]!;
  return { values, vectors: v };
}

/** The symmetric positive semi-definite square root V diag(√max(λ, 0)) Vᵀ of a symmetric matrix. */
export function symmetricSqrt(a: ArrayLike<number>, n: number): Float64Array {
  const { values, vectors } = symmetricEigen(a, n);
  const root = values.map((l) => Math.sqrt(Math.max(l, 0)));
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += vectors[i * n + k]! * root[k]! * vectors[j * n + k]!;
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}
