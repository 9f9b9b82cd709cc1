import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchCount, batches, epochOrder } from '../../src/data/batches.js';
import { createRng } from '../../src/data/rng.js';
import { permutation } from '../../src/data/shuffle.js';
import { subset, type Split } from '../../src/data/split.js';

/** n images of 2×2 whose pixels all equal their index, labels index mod 10. */
function toySplit(n: number): Split {
  return {
    images: Float32Array.from({ length: n * 4 }, (_, i) => Math.floor(i / 4)),
    labels: Int32Array.from({ length: n }, (_, i) => i % 10),
    count: n,
    rows: 2,
    cols: 2,
  };
}

const isPermutation = (p: Int32Array, n: number) =>
  p.length === n && [...p].sort((a, b) => a - b).every((v, i) => v === i);

describe('rng', () => {
  it('is reproducible and uniform-ish', () => {
    const a = createRng(42),
      b = createRng(42),
      c = createRng(43);
    const xs = Array.from({ length: 1000 }, () => a.nextFloat());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.nextFloat()));
    expect(xs).not.toEqual(Array.from({ length: 1000 }, () => c.nextFloat()));
    const mean = xs.reduce((s, x) => s + x) / xs.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('nextInt stays in range', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 2 ** 32 }), (seed, n) => {
        const v = createRng(seed).nextInt(n);
        return Number.isInteger(v) && v >= 0 && v < n;
      }),
    );
  });
});

describe('shuffling', () => {
  it('is a permutation, the same for the same seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer(), (n, seed) => {
        const p = permutation(n, seed);
        expect(isPermutation(p, n)).toBe(true);
        expect(permutation(n, seed)).toEqual(p);
      }),
    );
  });

  it('differs between seeds and epochs', () => {
    const a = epochOrder(100, { seed: 1, epoch: 0 });
    expect(epochOrder(100, { seed: 2, epoch: 0 })).not.toEqual(a);
    expect(epochOrder(100, { seed: 1, epoch: 1 })).not.toEqual(a);
    expect(epochOrder(100, { seed: 1, epoch: 0 })).toEqual(a);
    expect(Array.from(epochOrder(5, { shuffle: false }))).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('batches', () => {
  it('covers the epoch exactly once, with matching images and labels', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer(),
        fc.boolean(),
        (n, batchSize, seed, dropLast) => {
          const split = toySplit(n);
          const seen: number[] = [];
          const list = [...batches(split, { batchSize, seed, dropLast })];
          expect(list.length).toBe(batchCount(n, batchSize, dropLast));
          for (const batch of list) {
            if (dropLast) expect(batch.size).toBe(batchSize);
            else expect(batch.size).toBeLessThanOrEqual(batchSize);
            expect(batch.images.length).toBe(batch.size * 4);
            batch.indices.forEach((i, b) => {
              expect(Array.from(batch.images.subarray(b * 4, b * 4 + 4))).toEqual([i, i, i, i]);
              expect(batch.labels[b]).toBe(i % 10);
            });
            seen.push(...batch.indices);
          }
          const expected = dropLast ? Math.floor(n / batchSize) * batchSize : n;
          expect(seen.length).toBe(expected);
          expect(new Set(seen).size).toBe(expected);
          if (!dropLast) expect(isPermutation(Int32Array.from(seen), n)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps the order when shuffle is false', () => {
    const order = [...batches(toySplit(7), { batchSize: 3, shuffle: false })].map((b) => Array.from(b.indices));
    expect(order).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
  });

  it('rejects a bad batch size', () => {
    expect(() => [...batches(toySplit(3), { batchSize: 0 })]).toThrow(/batchSize/);
  });
});

describe('subset', () => {
  it('takes the first n examples as a copy', () => {
    const split = toySplit(10);
    const small = subset(split, 3);
    expect(small.count).toBe(3);
    expect(Array.from(small.labels)).toEqual([0, 1, 2]);
    expect(small.images.length).toBe(12);
    small.images[0] = 99;
    expect(split.images[0]).toBe(0);
    expect(subset(split, 50).count).toBe(10);
  });
});
