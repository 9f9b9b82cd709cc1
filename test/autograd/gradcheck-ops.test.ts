// Every op's backward, checked by gradcheck (float64 finite differences) on random shapes,
// broadcast and size-1 dimensions included.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  binaryCrossEntropyWithLogits,
  concat,
  gradcheck,
  linear,
  manualSeed,
  rand,
  randn,
  tensor,
  where,
  type Tensor,
} from '../../src/index.js';
import { bceWithLogitsSum, klStdNormalSum, reparameterizeWith } from '../../src/tensor/ops/vae-terms.js';
import { broadcastPairArb, shapeArb } from '../helpers/shapes.js';

const seedArb = fc.integer({ min: 0, max: 1e6 });
const positive = (shape: number[]) => rand(shape).mul(2).add(0.2);
/** Normal draws kept away from 0, where relu/abs/sign have their kink. */
const awayFromZero = (shape: number[]) => {
  const x = randn(shape);
  return x.add(x.gt(0).mul(0.1).sub(0.05));
};

interface UnaryCase {
  name: string;
  make: (shape: number[]) => Tensor;
  fn: (x: Tensor) => Tensor;
}
const unary: UnaryCase[] = [
  { name: 'neg', make: randn, fn: (x) => x.neg() },
  { name: 'exp', make: randn, fn: (x) => x.exp() },
  { name: 'log', make: positive, fn: (x) => x.log() },
  { name: 'log1p', make: positive, fn: (x) => x.log1p() },
  { name: 'sqrt', make: positive, fn: (x) => x.sqrt() },
  { name: 'square', make: randn, fn: (x) => x.square() },
  { name: 'abs', make: awayFromZero, fn: (x) => x.abs() },
  { name: 'relu', make: awayFromZero, fn: (x) => x.relu() },
  { name: 'sigmoid', make: randn, fn: (x) => x.sigmoid() },
  { name: 'tanh', make: randn, fn: (x) => x.tanh() },
  { name: 'softplus', make: randn, fn: (x) => x.softplus() },
  { name: 'pow(3)', make: randn, fn: (x) => x.pow(3) },
  { name: 'pow(-1.5)', make: positive, fn: (x) => x.pow(-1.5) },
  { name: 'add scalar', make: randn, fn: (x) => x.add(2.5) },
  { name: 'sub scalar', make: randn, fn: (x) => x.sub(2.5) },
  { name: 'mul scalar', make: randn, fn: (x) => x.mul(-3) },
  { name: 'div scalar', make: randn, fn: (x) => x.div(4) },
  { name: 'maximum scalar', make: awayFromZero, fn: (x) => x.maximum(0) },
  { name: 'toFloat', make: randn, fn: (x) => x.toFloat().mul(x) },
  { name: 'sum all', make: randn, fn: (x) => x.sum() },
  { name: 'mean all', make: randn, fn: (x) => x.mean() },
  { name: 'max all', make: randn, fn: (x) => x.max() },
  { name: 'min all', make: randn, fn: (x) => x.min() },
  { name: 'logsumexp all', make: randn, fn: (x) => x.logsumexp() },
];

/** Reduces any output to a scalar with random weights, so every output element matters. */
function weightedSum(y: Tensor): Tensor {
  const w = tensor(
    Array.from({ length: y.size }, (_, i) => Math.cos(1.7 * i + 0.3)),
    [...y.shape],
  );
  return y.mul(w).sum();
}

const check = (fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[]) =>
  gradcheck((...xs) => weightedSum(fn(...xs)), inputs);

describe('gradcheck: unary ops', () => {
  for (const c of unary) {
    it(c.name, async () => {
      await fc.assert(
        fc.asyncProperty(shapeArb(3, 3), seedArb, async (shape, seed) => {
          manualSeed(seed);
          await check(c.fn, [c.make(shape)]);
        }),
        { numRuns: 8 },
      );
    });
  }
});

const binary: [string, (a: Tensor, b: Tensor) => Tensor, (s: number[]) => Tensor][] = [
  ['add', (a, b) => a.add(b), randn],
  ['sub', (a, b) => a.sub(b), randn],
  ['mul', (a, b) => a.mul(b), randn],
  ['div', (a, b) => a.div(b), positive],
  ['maximum', (a, b) => a.maximum(b), randn],
  ['minimum', (a, b) => a.minimum(b), randn],
  ['where', (a, b) => where(a.gt(b), a.mul(2), b.square()), randn],
  [
    'binaryCrossEntropyWithLogits',
    (a, b) => binaryCrossEntropyWithLogits(a, b.sigmoid(), { reduction: 'none' }),
    randn,
  ],
];

describe('gradcheck: the fused VAE terms', () => {
  const fused: [string, (a: Tensor, b: Tensor) => Tensor][] = [
    ['reparameterize (eps fixed)', (m, lv) => reparameterizeWith(m, lv, lv.detach().mul(0).add(0.7))],
    ['KL to N(0, I), summed over the last axis', (m, lv) => klStdNormalSum(m, lv)],
    ['BCE from logits, summed over the last axis', (l, t) => bceWithLogitsSum(l, t.sigmoid())],
    ['KL to N(0, I), batch mean', (m, lv) => klStdNormalSum(m, lv, 'batchMean')],
    ['BCE from logits, batch mean', (l, t) => bceWithLogitsSum(l, t.sigmoid(), 'batchMean')],
    [
      'BCE from logits, broadcast targets',
      (l, t) => bceWithLogitsSum(l.reshape([1, ...l.shape]).expand([2, ...l.shape]), t.sigmoid(), 'batchMean'),
    ],
  ];
  for (const [name, fn] of fused) {
    it(name, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 1, max: 6 }),
          seedArb,
          async (b, d, seed) => {
            manualSeed(seed);
            await check(fn, [randn([b, d]), randn([b, d])]);
          },
        ),
        { numRuns: 6 },
      );
    });
  }
});

describe('gradcheck: binary ops with broadcasting', () => {
  for (const [name, fn, make] of binary) {
    it(name, async () => {
      await fc.assert(
        fc.asyncProperty(broadcastPairArb(3, 3), seedArb, async ([sa, sb], seed) => {
          manualSeed(seed);
          await check(fn, [randn(sa), make(sb)]);
        }),
        { numRuns: 8 },
      );
    });
  }
});

const axesArb = fc
  .tuple(fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }), fc.boolean())
  .chain(([shape, keep]) =>
    fc.tuple(fc.constant(shape), fc.subarray([...shape.keys()], { minLength: 1 }), fc.constant(keep)),
  );

describe('gradcheck: reductions over axes', () => {
  const reductions: [string, (x: Tensor, axes: number[], keep: boolean) => Tensor][] = [
    ['sum', (x, a, k) => x.sum(a, k)],
    ['mean', (x, a, k) => x.mean(a, k)],
    ['max', (x, a, k) => x.max(a, k)],
    ['min', (x, a, k) => x.min(a, k)],
    ['logsumexp', (x, a, k) => x.logsumexp(a, k)],
  ];
  for (const [name, fn] of reductions) {
    it(name, async () => {
      await fc.assert(
        fc.asyncProperty(axesArb, seedArb, async ([shape, axes, keep], seed) => {
          manualSeed(seed);
          await check((x) => fn(x, axes, keep), [randn(shape)]);
        }),
        { numRuns: 8 },
      );
    });
  }
  it('softmax and logSoftmax along any axis', async () => {
    await fc.assert(
      fc.asyncProperty(
        shapeArb(3, 3).filter((s) => s.length > 0),
        seedArb,
        async (shape, seed) => {
          manualSeed(seed);
          const axis = seed % shape.length;
          await check((x) => x.softmax(axis), [randn(shape)]);
          await check((x) => x.logSoftmax(axis), [randn(shape)]);
        },
      ),
      { numRuns: 8 },
    );
  });
});

describe('gradcheck: matmul and linear', () => {
  const dim = fc.integer({ min: 1, max: 4 });
  it('2-D matmul', async () => {
    await fc.assert(
      fc.asyncProperty(dim, dim, dim, seedArb, async (m, k, n, seed) => {
        manualSeed(seed);
        await check((a, b) => a.matmul(b), [randn([m, k]), randn([k, n])]);
      }),
      { numRuns: 8 },
    );
  });
  it('batched matmul with broadcast batch dims', async () => {
    const batchPairs: [number[], number[]][] = [
      [[2], [2]],
      [[3], []],
      [[], [2]],
      [
        [2, 1],
        [1, 3],
      ],
      [[1], [2]],
    ];
    for (const [ba, bb] of batchPairs) {
      manualSeed(ba.length * 7 + bb.length);
      await check((a, b) => a.matmul(b), [randn([...ba, 2, 3]), randn([...bb, 3, 2])]);
    }
  });
  it('fused linear with each activation, 2-D and 3-D inputs', async () => {
    for (const act of ['none', 'relu', 'sigmoid', 'tanh'] as const) {
      for (const xShape of [
        [3, 4],
        [2, 2, 4],
      ]) {
        manualSeed(3);
        const x = act === 'relu' ? awayFromZero(xShape) : randn(xShape);
        await check((x, w, b) => linear(x, w, b, act), [x, randn([5, 4]).mul(0.5), randn([5]).mul(0.5)]);
      }
    }
  });
});

describe('gradcheck: shape ops', () => {
  it('reshape, transpose, permute, slice, expand, concat', async () => {
    manualSeed(11);
    await check((x) => x.reshape([3, -1]).mul(x.reshape([3, 4])), [randn([2, 6])]);
    await check((x) => x.transpose(), [randn([3, 4])]);
    await check((x) => x.permute([2, 0, 1]), [randn([2, 3, 4])]);
    await check((x) => x.slice(1, 1, 3), [randn([2, 4, 2])]);
    await check((x) => x.slice(-1, -2), [randn([3, 5])]);
    await check((x) => x.expand([3, 2, 4]), [randn([2, 1])]);
    await check((a, b) => concat([a, b, a], 1), [randn([2, 1]), randn([2, 3])]);
  });
});

describe('gradcheck catches mistakes', () => {
  it('rejects a deliberately wrong backward, naming the input and element', async () => {
    const { record } = await import('../../src/autograd/record.js');
    // y = x^2 with a wrong backward: dx = dy * x (should be 2 x dy)
    const wrongSquare = (x: Tensor) => record('wrongSquare', [x], x.square(), [x], (dy, [x]) => [dy.mul(x)]);
    manualSeed(1);
    await expect(gradcheck((x) => wrongSquare(x).sum(), [randn([2, 3])])).rejects.toThrow(
      /gradcheck: input 0 \(shape \[2,3\]\) element \[\d,\d\]: analytic gradient .* but numeric/,
    );
  });
  it('rejects non-finite inputs and non-scalar outputs', async () => {
    await expect(gradcheck((x) => x.sum(), [tensor([1, NaN])])).rejects.toThrow(
      /input 0 .* non-finite value NaN at \[1\]/,
    );
    await expect(gradcheck((x) => x.exp(), [tensor([1, 2])])).rejects.toThrow(/must return a scalar/);
  });
  it('explains a tensor captured from outside fn', async () => {
    const outside = randn([2, 2]);
    await expect(gradcheck((x) => x.matmul(outside).sum(), [randn([2, 2])])).rejects.toThrow(
      /fn reads a tensor that is not one of its inputs .*pass every tensor fn uses as an input/,
    );
  });
  it('reports the max errors per input', async () => {
    manualSeed(2);
    const report = await gradcheck((a, b) => a.mul(b).sum(), [randn([3]), randn([3])]);
    expect(report.inputs).toHaveLength(2);
    expect(report.inputs[0]!.maxAbsError).toBeLessThan(1e-6);
  });
});
