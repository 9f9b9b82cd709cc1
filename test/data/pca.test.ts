import { describe, expect, it } from 'vitest';
import { pca2, pcaPlane } from '../../src/data/pca.js';
import { createRng } from '../../src/data/rng.js';

describe('pca2', () => {
  it('recovers the two main axes of stretched 5-d data', () => {
    const rng = createRng(7);
    const normal = () => Math.sqrt(-2 * Math.log(1 - rng.nextFloat())) * Math.cos(2 * Math.PI * rng.nextFloat());
    const n = 2000,
      d = 5;
    // Axis u1 = (1,1,0,0,0)/√2 with sd 5, u2 = (0,0,1,0,0) with sd 2, noise sd 0.1, mean (3, ...).
    const a = Float64Array.from({ length: n }, () => 5 * normal());
    const b = Float64Array.from({ length: n }, () => 2 * normal());
    const data = new Float32Array(n * d);
    for (let i = 0; i < n; i++) {
      const [ai = NaN, bi = NaN] = [a[i], b[i]];
      const noise = () => 3 + 0.1 * normal();
      data.set([noise() + ai / Math.SQRT2, noise() + ai / Math.SQRT2, noise() + bi, noise(), noise()], i * d);
    }
    const out = pca2(data, n, d);
    expect(out.length).toBe(2 * n);
    const corr = (xs: ArrayLike<number>, ys: ArrayLike<number>) => {
      let sxy = 0,
        sxx = 0,
        syy = 0;
      for (let i = 0; i < n; i++) {
        sxy += xs[i]! * ys[i]!;
        sxx += xs[i]! ** 2;
        syy += ys[i]! ** 2;
      }
      return sxy / Math.sqrt(sxx * syy);
    };
    const pc1 = Float64Array.from({ length: n }, (_, i) => out[2 * i]!);
    const pc2 = Float64Array.from({ length: n }, (_, i) => out[2 * i + 1]!);
    expect(Math.abs(corr(pc1, a))).toBeGreaterThan(0.999);
    expect(Math.abs(corr(pc2, b))).toBeGreaterThan(0.99);
    // The projections are centred.
    expect(Math.abs(pc1.reduce((s, x) => s + x) / n)).toBeLessThan(1e-3);
    expect(pca2(data, n, d)).toEqual(out);
  });

  it('handles constant data and one dimension', () => {
    expect(Array.from(pca2(new Float32Array(6).fill(2), 3, 2))).toEqual([0, 0, 0, 0, 0, 0]);
    const out = pca2(Float32Array.from([1, 2, 3]), 3, 1);
    expect(Array.from(out).filter((_, i) => i % 2 === 1)).toEqual([0, 0, 0]);
    expect(Math.abs(out[0]!)).toBeCloseTo(1, 6);
  });
});

describe('pcaPlane', () => {
  it('gives the mean and orthonormal axes, and coords that are the projections onto them', () => {
    const rng = createRng(11);
    const [n, d] = [300, 6];
    const data = Float32Array.from(
      { length: n * d },
      (_, i) => (i % d) * 0.5 + (rng.nextFloat() - 0.5) * (1 + (i % d)),
    );
    const p = pcaPlane(data, n, d);
    expect(p.coords).toEqual(pca2(data, n, d));
    const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, x, k) => s + x * b[k]!, 0);
    expect(dot(p.axes[0], p.axes[0])).toBeCloseTo(1, 10);
    expect(dot(p.axes[1], p.axes[1])).toBeCloseTo(1, 10);
    expect(dot(p.axes[0], p.axes[1])).toBeCloseTo(0, 10);
    for (let k = 0; k < d; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += data[i * d + k]!;
      expect(p.mean[k]).toBeCloseTo(s / n, 5);
    }
    for (const i of [0, 17, n - 1]) {
      const centred = Array.from(data.subarray(i * d, (i + 1) * d), (x, k) => x - p.mean[k]!);
      expect(p.coords[2 * i]).toBeCloseTo(dot(centred, p.axes[0]), 4);
      expect(p.coords[2 * i + 1]).toBeCloseTo(dot(centred, p.axes[1]), 4);
    }
  });
});
