import { describe, expect, it } from 'vitest';
import { binarizeDynamic, binarizeStatic } from '../../src/data/binarize.js';
import { createRng } from '../../src/data/rng.js';

const images = Float32Array.from({ length: 20000 }, (_, i) => (i % 101) / 100);

describe('binarization', () => {
  it('static: 1 above the threshold, 0 otherwise', () => {
    const out = binarizeStatic(Float32Array.from([0, 0.3, 0.5, 0.51, 1]));
    expect(Array.from(out)).toEqual([0, 0, 0, 1, 1]);
    expect(Array.from(binarizeStatic(Float32Array.from([0.2, 0.3]), 0.25))).toEqual([0, 1]);
  });

  it('dynamic: 0/1 values with mean near the intensities, depending on the seed', () => {
    const a = binarizeDynamic(images, createRng(1));
    const b = binarizeDynamic(images, createRng(2));
    expect(a.every((v) => v === 0 || v === 1)).toBe(true);
    expect(a).not.toEqual(b);
    expect(binarizeDynamic(images, createRng(1))).toEqual(a);
    const mean = (xs: Float32Array) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean(a) - mean(images))).toBeLessThan(0.02);
    // Intensity 0 never fires, intensity 1 always does.
    images.forEach((p, i) => {
      if (p === 0) expect(a[i]).toBe(0);
      if (p === 1) expect(a[i]).toBe(1);
    });
  });
});
