// gradcheck (float64 finite differences) of the ops a PyTorch user expects: gather and
// indexSelect (scatter-add backward, repeated indices), the losses with every reduction, GELU,
// SiLU, LayerNorm, dropout, and linear with the unfused activations.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  crossEntropy,
  dropout,
  gather,
  gradcheck,
  indexSelect,
  layerNorm,
  linear,
  manualSeed,
  mseLoss,
  nllLoss,
  randn,
  tensor,
  type Reduction,
  type Tensor,
} from '../../src/index.js';
import { shapeArb } from '../helpers/shapes.js';

const seedArb = fc.integer({ min: 0, max: 1e6 });
const reductions: Reduction[] = ['mean', 'sum', 'none'];

/** Reduces any output to a scalar with fixed weights, so every output element matters. */
function weightedSum(y: Tensor): Tensor {
  const w = tensor(
    Array.from({ length: y.size }, (_, i) => Math.cos(1.7 * i + 0.3)),
    [...y.shape],
  );
  return y.mul(w).sum();
}
const check = (fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[]) =>
  gradcheck((...xs) => weightedSum(fn(...xs)), inputs);

/** Deterministic int32 indices in [0, limit) of the given shape (repeats likely). */
function indices(shape: number[], limit: number, seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(
    Int32Array.from({ length: n }, (_, i) => (seed + i * 7) % limit),
    shape,
  );
}

describe('gradcheck: indexing', () => {
  it('gather along any axis, index no larger than x', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
        seedArb,
        async (shape, seed) => {
          manualSeed(seed);
          const axis = seed % shape.length;
          const idxShape = shape.map((d, k) => (k === axis ? 1 + (seed % 4) : Math.max(1, d - (seed % 2))));
          const index = indices(idxShape, shape[axis]!, seed);
          await check((x) => gather(x, axis, index), [randn(shape)]);
        },
      ),
      { numRuns: 10 },
    );
  });

  it('indexSelect (repeated rows get the summed gradient)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 0, max: 5 }),
        seedArb,
        async (shape, n, seed) => {
          manualSeed(seed);
          const axis = seed % shape.length;
          await check((x) => indexSelect(x, axis, indices([n], shape[axis]!, seed)), [randn(shape)]);
        },
      ),
      { numRuns: 10 },
    );
  });
});

describe('gradcheck: losses', () => {
  for (const reduction of reductions) {
    it(`crossEntropy and nllLoss (${reduction}), [N, C] and [N, C, d]`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 1, max: 4 }),
          fc.constantFrom([], [2]),
          seedArb,
          async (n, c, extra, seed) => {
            manualSeed(seed);
            const target = indices([n, ...extra], c, seed);
            await check((l) => crossEntropy(l, target, { reduction }), [randn([n, c, ...extra]).mul(3)]);
            await check((l) => nllLoss(l, target, { reduction }), [randn([n, c, ...extra])]);
          },
        ),
        { numRuns: 6 },
      );
    });
  }

  it('crossEntropy with class probabilities: gradient to logits and to the targets', async () => {
    manualSeed(5);
    await check((l, p) => crossEntropy(l, p.softmax(1)), [randn([3, 4]), randn([3, 4])]);
    await check((l, p) => crossEntropy(l, p.softmax(1), { reduction: 'none' }), [randn([2, 5]), randn([2, 5])]);
  });

  for (const reduction of reductions) {
    it(`mseLoss (${reduction}) to both arguments`, async () => {
      await fc.assert(
        fc.asyncProperty(shapeArb(3, 3), seedArb, async (shape, seed) => {
          manualSeed(seed);
          await check((a, b) => mseLoss(a, b, { reduction }), [randn(shape), randn(shape)]);
        }),
        { numRuns: 6 },
      );
    });
  }
});

describe('gradcheck: activations, normalisation, dropout', () => {
  it('gelu and silu, including the far tails', async () => {
    await fc.assert(
      fc.asyncProperty(shapeArb(3, 3), seedArb, async (shape, seed) => {
        manualSeed(seed);
        await check((x) => x.gelu(), [randn(shape).mul(3)]);
        await check((x) => x.silu(), [randn(shape).mul(3)]);
      }),
      { numRuns: 8 },
    );
    await check((x) => x.gelu().add(x.silu()), [tensor([-12, -7.5, -3, -0.1, 0, 0.2, 4, 9])]);
  });

  it('linear with gelu and silu (run after the fused matmul)', async () => {
    for (const act of ['gelu', 'silu'] as const) {
      manualSeed(9);
      await check((x, w, b) => linear(x, w, b, act), [randn([3, 4]), randn([5, 4]), randn([5])]);
    }
  });

  it('layerNorm over one and two trailing axes, with and without affine parameters', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 2, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        seedArb,
        async (b, d1, d2, seed) => {
          manualSeed(seed);
          await check((x, w, bias) => layerNorm(x, [d2], w, bias), [randn([b, d1, d2]), randn([d2]), randn([d2])]);
          await check((x) => layerNorm(x, [d1, d2]), [randn([b, d1, d2])]);
        },
      ),
      { numRuns: 6 },
    );
  });

  it('dropout: the gradient is the (seeded) mask, scaled', async () => {
    manualSeed(2);
    await check((x) => dropout(x, 0.3), [randn([4, 5])]);
    await check((x) => dropout(x, 0.3, false), [randn([4, 5])]);
  });
});
