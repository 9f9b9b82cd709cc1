// Every differentiable op on WebGPU against the CPU reference: the same inputs on both
// backends, forward outputs and input gradients compared within float32 tolerance, over
// fast-check shapes (size 1, primes, not tile multiples, broadcast dims, batched matmul).
import fc from 'fast-check';
import { expect, it } from 'vitest';
import {
  binaryCrossEntropyWithLogits,
  concat,
  linear,
  manualSeed,
  oneHot,
  randn,
  tensor,
  where,
  type Backend,
  type Tensor,
} from '../../src/index.js';
import { referenceBackend } from '../../src/tensor/backends.js';
import { bceWithLogitsSum, klStdNormalSum, reparameterizeWith } from '../../src/tensor/ops/vae-terms.js';
import { broadcastPairArb, shapeArb, sizeOf } from '../helpers/shapes.js';
import { describeWebGPU, expectClose, randomArray } from '../helpers/gpu.js';

type Domain = 'any' | 'positive' | 'awayFromZero';
interface Case {
  name: string;
  shapes: fc.Arbitrary<number[][]>;
  domains?: Domain[];
  fn: (...xs: Tensor[]) => Tensor;
  rtol?: number;
}

const one = (maxRank = 3, maxDim = 5) => shapeArb(maxRank, maxDim).map((s) => [s]);
const pair = broadcastPairArb(3, 5).map(([a, b]) => [a, b]);
const dim = (max = 9) => fc.oneof(fc.constantFrom(1, 7, 13), fc.integer({ min: 1, max }));

const cases: Case[] = [
  ...(['neg', 'exp', 'square', 'sigmoid', 'tanh', 'softplus'] as const).map((op) => ({
    name: op,
    shapes: one(),
    fn: (x: Tensor) => x[op](),
  })),
  ...(['log', 'log1p', 'sqrt'] as const).map((op) => ({
    name: op,
    shapes: one(),
    domains: ['positive'] as Domain[],
    fn: (x: Tensor) => x[op](),
  })),
  ...(['abs', 'relu'] as const).map((op) => ({
    name: op,
    shapes: one(),
    domains: ['awayFromZero'] as Domain[],
    fn: (x: Tensor) => x[op](),
  })),
  { name: 'pow(3)', shapes: one(), fn: (x) => x.pow(3) },
  { name: 'pow(-0.5)', shapes: one(), domains: ['positive'], fn: (x) => x.pow(-0.5) },
  { name: 'scalar arithmetic', shapes: one(), fn: (x) => x.add(1.5).mul(-2).sub(0.25).div(3) },
  { name: 'add', shapes: pair, fn: (a, b) => a.add(b) },
  { name: 'sub', shapes: pair, fn: (a, b) => a.sub(b) },
  { name: 'mul', shapes: pair, fn: (a, b) => a.mul(b) },
  { name: 'div', shapes: pair, domains: ['any', 'positive'], fn: (a, b) => a.div(b) },
  { name: 'maximum', shapes: pair, fn: (a, b) => a.maximum(b) },
  { name: 'minimum', shapes: pair, fn: (a, b) => a.minimum(b) },
  { name: 'where + comparisons', shapes: pair, fn: (a, b) => where(a.gt(b), a, b.mul(2)).add(a.le(b)) },
  {
    name: 'binaryCrossEntropyWithLogits',
    shapes: pair,
    fn: (a, b) => binaryCrossEntropyWithLogits(a.mul(4), b.sigmoid(), { reduction: 'none' }),
  },
  {
    name: 'sum/mean/max/min over axes',
    shapes: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }).map((s) => [s]),
    fn: (x) => x.sum(0, true).add(x.mean(-1, true)).add(x.max(0, true)).add(x.min(-1, true)),
  },
  { name: 'reduce all', shapes: one(4, 9), fn: (x) => x.sum().add(x.max()).reshape([1]) },
  {
    name: 'logsumexp / softmax / logSoftmax',
    shapes: fc.tuple(dim(), dim(70)).map(([r, c]) => [[r, c]]),
    fn: (x) => x.mul(10).softmax(1).add(x.logSoftmax(0)).add(x.mul(30).logsumexp(1, true)),
  },
  {
    name: 'matmul 2-D',
    shapes: fc.tuple(dim(70), dim(70), dim(70)).map(([m, k, n]) => [
      [m, k],
      [k, n],
    ]),
    fn: (a, b) => a.matmul(b),
  },
  {
    name: 'matmul 127×61 · 61×33',
    shapes: fc.constant([
      [127, 61],
      [61, 33],
    ]),
    fn: (a, b) => a.matmul(b),
  },
  {
    name: 'matmul batched 3-D/4-D with broadcast batch',
    shapes: fc
      .tuple(
        dim(),
        dim(),
        dim(),
        fc.constantFrom<[number[], number[]]>(
          [[3], [3]],
          [[2, 3], []],
          [[], [2, 3]],
          [
            [2, 1],
            [1, 3],
          ],
        ),
      )
      .map(([m, k, n, [ba, bb]]) => [
        [...ba, m, k],
        [...bb, k, n],
      ]),
    fn: (a, b) => a.matmul(b),
  },
  ...(['none', 'relu', 'sigmoid', 'tanh'] as const).map((act) => ({
    name: `linear (fused bias + ${act})`,
    shapes: fc.tuple(dim(40), dim(40), dim(40)).map(([b, i, o]) => [[b, i], [o, i], [o]]),
    domains: [act === 'relu' ? 'awayFromZero' : 'any', 'any', 'any'] as Domain[],
    fn: (x: Tensor, w: Tensor, b: Tensor) => linear(x, w, b, act),
  })),
  // the fused VAE terms (tensor/ops/vae-terms.ts): same-shape inputs, sums over the last axis
  ...(
    [
      ['fused reparameterize', (m, lv, e) => reparameterizeWith(m, lv, e.detach()).add(e)],
      ['fused KL to N(0, I)', (m, lv, e) => klStdNormalSum(m, lv).add(e.sum(-1))],
      ['fused BCE from logits, summed', (l, t, e) => bceWithLogitsSum(l, t.sigmoid()).add(e.sum(-1))],
      ['fused KL to N(0, I), batch mean', (m, lv, e) => klStdNormalSum(m, lv, 'batchMean').add(e.sum())],
      ['fused BCE from logits, batch mean', (l, t, e) => bceWithLogitsSum(l, t.sigmoid(), 'batchMean').add(e.sum())],
    ] as [string, (...xs: Tensor[]) => Tensor][]
  ).map(([name, fn]) => ({
    name,
    shapes: fc.tuple(dim(), dim(40)).map(([b, d]) => [
      [b, d],
      [b, d],
      [b, d],
    ]),
    fn,
  })),
  {
    name: 'reshape / transpose / permute / slice / expand / concat',
    shapes: fc.tuple(dim(), dim(), dim()).map(([a, b, c]) => [
      [a, b, c],
      [a, 1, c],
    ]),
    fn: (x, y) =>
      concat(
        [
          x.permute([2, 0, 1]).transpose(1, 2).slice(0, 0, 1).reshape([1, x.shape[1]!, x.shape[0]!]).transpose(1, 2),
          y.expand([x.shape[0]!, 2, x.shape[2]!]).permute([2, 0, 1]).slice(0, 0, 1),
        ],
        2,
      ),
  },
];

function makeData(shape: number[], seed: number, domain: Domain): Float32Array {
  const d = randomArray(sizeOf(shape), seed, -2, 2);
  if (domain === 'positive') return d.map((v) => Math.abs(v) + 0.2);
  if (domain === 'awayFromZero') return d.map((v) => (v >= 0 ? v + 0.05 : v - 0.05));
  return d;
}

async function runOn(
  backend: Backend,
  c: Case,
  inputs: Float32Array[],
  shapes: number[][],
  seedGrad: (shape: number[]) => Float32Array,
) {
  const xs = inputs.map((d, i) => tensor(d, shapes[i], { backend, requiresGrad: true }));
  const y = c.fn(...xs);
  y.backward(tensor(seedGrad([...y.shape]), [...y.shape], { backend }));
  const out = { y: await y.data(), shape: [...y.shape], grads: await Promise.all(xs.map((x) => x.grad!.data())) };
  [y, ...xs].forEach((t) => t.dispose());
  return out;
}

await describeWebGPU('WebGPU ops equal the CPU reference, forward and backward', (gpu) => {
  for (const c of cases) {
    it(c.name, async () => {
      await fc.assert(
        fc.asyncProperty(c.shapes, fc.integer({ min: 1, max: 2 ** 30 }), async (shapes, seed) => {
          const inputs = shapes.map((s, i) => makeData(s, seed + i, c.domains?.[i] ?? c.domains?.[0] ?? 'any'));
          const grad = (s: number[]) => randomArray(sizeOf(s), seed ^ 0x5bd1e995, -1, 1);
          const want = await runOn(referenceBackend(), c, inputs, shapes, grad);
          const got = await runOn(gpu, c, inputs, shapes, grad);
          expect(got.shape).toEqual(want.shape);
          const tol = { rtol: c.rtol ?? 2e-4, atol: 2e-4 };
          expectClose(got.y, want.y, { ...tol, what: `${c.name} forward ${JSON.stringify(shapes)}` });
          got.grads.forEach((g, i) =>
            expectClose(g, want.grads[i]!, { ...tol, what: `${c.name} grad ${i} ${JSON.stringify(shapes)}` }),
          );
        }),
        { numRuns: 12 },
      );
    });
  }

  it('NaN and ±Inf propagate as on the CPU', async () => {
    const special = [NaN, Infinity, -Infinity, 0, -0, 1e30, -1e30, 3];
    const ops: [string, (x: Tensor) => Tensor][] = [
      ['exp', (x) => x.exp()],
      ['log', (x) => x.log()],
      ['relu', (x) => x.relu()],
      ['sigmoid', (x) => x.sigmoid()],
      ['tanh', (x) => x.tanh()],
      ['softplus', (x) => x.softplus()],
      ['abs', (x) => x.abs()],
      ['sqrt', (x) => x.sqrt()],
      ['maximum 0', (x) => x.maximum(0)],
      ['minimum 0', (x) => x.minimum(0)],
      ['mul 0', (x) => x.mul(0)],
      ['pow 2', (x) => x.pow(2)],
      ['max', (x) => x.reshape([2, 4]).max(1)],
      ['sum', (x) => x.reshape([2, 4]).sum(1)],
    ];
    for (const [name, f] of ops) {
      const want = await f(tensor(special, [8], { backend: referenceBackend() })).data();
      const got = await f(tensor(special, [8], { backend: gpu })).data();
      expectClose(got, want, { rtol: 1e-5, atol: 0, what: name });
    }
  });

  it('the same seed gives the same rand and randn on both backends', async () => {
    for (const shape of [[1], [1000], [37, 41]]) {
      manualSeed(42);
      const uc = await randn(shape, { backend: referenceBackend() }).data();
      manualSeed(42);
      const ug = await randn(shape, { backend: gpu }).data();
      expectClose(ug, uc, { rtol: 1e-5, atol: 1e-5, what: `randn ${shape}` });
    }
  });

  it('oneHot matches', async () => {
    const idx = new Int32Array([3, 0, 9, 9, 1]);
    const want = await oneHot(tensor(idx, [5], { backend: referenceBackend() }), 10).data();
    expect([...(await oneHot(tensor(idx, [5], { backend: gpu }), 10).data())]).toEqual([...want]);
  });
});
