// Algebraic identities that must hold for any input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { manualSeed, rand, randn, tensor, tidy } from '../../src/index.js';
import { shapeArb } from '../helpers/shapes.js';

const seedArb = fc.integer({ min: 0, max: 1e6 });
const rowsArb = fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 9 }));

describe('identities', () => {
  it('x - x is exactly zero', async () => {
    await fc.assert(
      fc.asyncProperty(shapeArb(), seedArb, async (shape, seed) => {
        manualSeed(seed);
        const d = tidy(() => {
          const x = randn(shape).mul(100);
          return x.sub(x);
        });
        expect([...(await d.data())].every((v) => v === 0)).toBe(true);
        d.dispose();
      }),
      { numRuns: 30 },
    );
  });

  it('exp(log(x)) ≈ x for positive x', async () => {
    await fc.assert(
      fc.asyncProperty(shapeArb(), seedArb, async (shape, seed) => {
        manualSeed(seed);
        const x = rand(shape).mul(10).add(1e-3);
        const y = x.log().exp();
        const [a, b] = [await x.data(), await y.data()];
        a.forEach((v, i) => expect(Math.abs(b[i]! - v)).toBeLessThanOrEqual(1e-5 * Math.abs(v)));
        x.dispose();
        y.dispose();
      }),
      { numRuns: 30 },
    );
  });

  it('softmax rows sum to 1, and logSoftmax = log(softmax)', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb, seedArb, async ([r, c], seed) => {
        manualSeed(seed);
        const x = randn([r, c]).mul(5);
        const sums = await x.softmax(1).sum(1).data();
        sums.forEach((s) => expect(s).toBeCloseTo(1, 5));
        const a = await x.logSoftmax(1).data();
        const b = await x.softmax(1).log().data();
        a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 4));
      }),
      { numRuns: 30 },
    );
  });

  it('logsumexp equals log(sum(exp(x))) on moderate inputs', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb, seedArb, async ([r, c], seed) => {
        manualSeed(seed);
        const x = randn([r, c]).mul(3);
        const a = await x.logsumexp(1).data();
        const b = await x.exp().sum(1).log().data();
        a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 4));
      }),
      { numRuns: 30 },
    );
  });

  it('logsumexp stays finite at ±1000 and handles -inf rows', async () => {
    const x = tensor([
      [1000, 1000, 999],
      [-1000, -1000, -1001],
      [-Infinity, -Infinity, -Infinity],
    ]);
    const y = await x.logsumexp(1).data();
    expect(y[0]).toBeCloseTo(1000 + Math.log(2 + Math.exp(-1)), 3);
    expect(y[1]).toBeCloseTo(-1000 + Math.log(2 + Math.exp(-1)), 3);
    expect(y[2]).toBe(-Infinity);
    const s = await x.slice(0, 0, 2).softmax(1).data();
    expect([...s].every(Number.isFinite)).toBe(true);
  });

  it('binaryCrossEntropyWithLogits is finite for large logits and matches the naive form', async () => {
    const { binaryCrossEntropyWithLogits } = await import('../../src/index.js');
    const l = tensor([-200, -3, 0, 2.5, 200]);
    const t = tensor([1, 0, 0.5, 1, 0]);
    const got = await binaryCrossEntropyWithLogits(l, t, { reduction: 'none' }).data();
    expect(got[0]).toBeCloseTo(200, 4);
    expect(got[4]).toBeCloseTo(200, 4);
    const naive = (x: number, y: number) =>
      -(y * Math.log(1 / (1 + Math.exp(-x))) + (1 - y) * Math.log(1 - 1 / (1 + Math.exp(-x))));
    for (const i of [1, 2, 3]) expect(got[i]).toBeCloseTo(naive([-3, 0, 2.5][i - 1]!, [0, 0.5, 1][i - 1]!), 5);
    expect(await binaryCrossEntropyWithLogits(l, t, { reduction: 'sum' }).item()).toBeCloseTo(
      [...got].reduce((a, b) => a + b),
      3,
    );
  });

  it('the same seed gives the same numbers; a different seed different ones', async () => {
    manualSeed(7);
    const a = await randn([100]).data();
    manualSeed(7);
    const b = await randn([100]).data();
    manualSeed(8);
    const c = await randn([100]).data();
    expect([...a]).toEqual([...b]);
    expect([...a]).not.toEqual([...c]);
    const mean = [...a].reduce((s, v) => s + v, 0) / 100;
    expect(Math.abs(mean)).toBeLessThan(0.4);
  });
});
