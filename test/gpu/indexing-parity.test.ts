// The new primitives (gather, scatterAdd, argReduce) on WebGPU against the CPU reference, and the
// ops built on them (losses, indexSelect, gelu/silu, layerNorm, dropout), forward and backward:
// random shapes with sizes that are not multiples of a workgroup, size-1 axes, broadcast (stride
// 0) indices, repeated and out-of-range indices, ties and NaN, float32 and int32 data.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import {
  crossEntropy,
  dropout,
  gather,
  indexSelect,
  layerNorm,
  linear,
  manualSeed,
  mseLoss,
  nllLoss,
  tensor,
  type Backend,
  type Tensor,
} from '../../src/index.js';
import type { ArgReduceOp, GatherDesc } from '../../src/kernels/backend.js';
import { contiguousStrides, sizeOf } from '../../src/kernels/layout.js';
import { cpuBackend } from '../../src/tensor/backends.js';
import { describeWebGPU, expectBitEqual, expectClose, poisoned, randomArray } from '../helpers/gpu.js';

const dimArb = fc.constantFrom(1, 2, 3, 7, 13, 64, 65);
const seedArb = fc.integer({ min: 1, max: 2 ** 30 });

/** Index values from a seed: mostly in [0, limit), some out of range when `wild`. */
function indexData(n: number, limit: number, seed: number, wild: boolean): Int32Array {
  const r = randomArray(n, seed, 0, 1);
  return Int32Array.from(r, (u, i) => (wild && i % 5 === 3 ? (i % 2 ? -1 : limit) : Math.floor(u * limit)));
}

/** A gather descriptor: x's shape, an axis, positions no larger than x off the axis, and a layout for the index. */
const descArb = fc
  .array(dimArb, { minLength: 1, maxLength: 4 })
  .filter((s) => sizeOf(s) <= 20_000)
  .chain((xShape) =>
    fc.record({
      xShape: fc.constant(xShape),
      axis: fc.integer({ min: 0, max: xShape.length - 1 }),
      along: dimArb,
      shrink: fc.array(fc.boolean(), { minLength: xShape.length, maxLength: xShape.length }),
      // 'dense': torch.gather; 'select': one index per position along the axis (indexSelect)
      layout: fc.constantFrom('dense', 'select'),
      seed: seedArb,
      wild: fc.boolean(),
    }),
  )
  .map(({ xShape, axis, along, shrink, layout, seed, wild }) => {
    const shape = xShape.map((d, k) => (k === axis ? along : shrink[k] ? Math.max(1, d >> 1) : d));
    const indexStrides = layout === 'dense' ? contiguousStrides(shape) : shape.map((_, k) => (k === axis ? 1 : 0));
    const indexCount = layout === 'dense' ? sizeOf(shape) : along;
    const desc: GatherDesc = { xShape, shape, axis, indexStrides };
    return { desc, index: indexData(indexCount, xShape[axis]!, seed, wild), seed };
  });

await describeWebGPU('WebGPU indexing primitives and the ops on them equal the CPU reference', (gpu, cpu) => {
  it('gather (float32 and int32 words, dense and broadcast indices, out-of-range reads 0)', async () => {
    await fc.assert(
      fc.asyncProperty(descArb, fc.constantFrom('float32', 'int32'), async ({ desc, index, seed }, dtype) => {
        const n = sizeOf(desc.xShape);
        const data =
          dtype === 'int32' ? Int32Array.from(randomArray(n, seed), (v) => Math.round(v * 1e6)) : randomArray(n, seed);
        const out = sizeOf(desc.shape);
        const want = cpu.alloc(out, dtype);
        cpu.gather(cpu.upload(data, dtype), cpu.upload(index, 'int32'), want, desc);
        const [gx, gi, got] = [gpu.upload(data, dtype), gpu.upload(index, 'int32'), poisoned(gpu, out, dtype)];
        gpu.gather(gx, gi, got, desc);
        expectBitEqual(await gpu.read(got), await cpu.read(want), `gather ${JSON.stringify(desc)}`);
        [gx, gi, got].forEach((b) => gpu.free(b));
      }),
      { numRuns: 40 },
    );
  });

  it('scatterAdd (sums in position order; out-of-range positions add nothing)', async () => {
    await fc.assert(
      fc.asyncProperty(descArb, async ({ desc, index, seed }) => {
        const src = randomArray(sizeOf(desc.shape), seed ^ 0x9e37, -1, 1);
        const n = sizeOf(desc.xShape);
        const want = cpu.alloc(n, 'float32');
        cpu.scatterAdd(cpu.upload(src, 'float32'), cpu.upload(index, 'int32'), want, desc);
        const [gs, gi, got] = [gpu.upload(src, 'float32'), gpu.upload(index, 'int32'), poisoned(gpu, n)];
        gpu.scatterAdd(gs, gi, got, desc);
        // the same additions in the same order; the CPU rounds once at the end, the GPU at each add
        const along = desc.shape[desc.axis]!;
        expectClose(await gpu.read(got), await cpu.read(want), {
          atol: along * 2 ** -23,
          rtol: 1e-6,
          what: `scatterAdd ${JSON.stringify(desc)}`,
        });
        [gs, gi, got].forEach((b) => gpu.free(b));
      }),
      { numRuns: 40 },
    );
  });

  it('argmax / argmin (ties to the first, NaN wins, ±Inf, int32 input)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(dimArb, { minLength: 1, maxLength: 3 }).filter((s) => sizeOf(s) <= 20_000),
        seedArb,
        fc.constantFrom<ArgReduceOp>('argmax', 'argmin'),
        fc.constantFrom('float32', 'int32', 'specials'),
        async (shape, seed, op, kind) => {
          const axis = seed % shape.length;
          const n = sizeOf(shape);
          // values on a coarse grid, so ties are frequent
          const base = Float32Array.from(randomArray(n, seed, -3, 3), (v) => Math.round(v));
          if (kind === 'specials') for (let i = seed % 5; i < n; i += 9) base[i] = [NaN, Infinity, -Infinity][i % 3]!;
          const dtype = kind === 'int32' ? 'int32' : 'float32';
          const data = dtype === 'int32' ? Int32Array.from(base) : base;
          const out = n / shape[axis]!;
          const want = cpu.alloc(out, 'int32');
          cpu.argReduce(op, cpu.upload(data, dtype), shape, axis, want);
          const [gx, got] = [gpu.upload(data, dtype), poisoned(gpu, out, 'int32')];
          gpu.argReduce(op, gx, shape, axis, got);
          expectBitEqual(await gpu.read(got), await cpu.read(want), `${op} ${kind} [${shape}] axis ${axis}`);
          [gx, got].forEach((b) => gpu.free(b));
        },
      ),
      { numRuns: 40 },
    );
  });

  interface OpCase {
    name: string;
    shapes: fc.Arbitrary<number[][]>;
    fn: (seed: number, ...xs: Tensor[]) => Tensor;
  }
  const rowsCols = fc.tuple(dimArb, dimArb);
  const classIndex = (t: Tensor, classes: number, seed: number, shape: number[]) =>
    tensor(indexData(sizeOf(shape), classes, seed, false), shape, { dtype: 'int32', backend: t.backend });
  const cases: OpCase[] = [
    ...(['mean', 'sum', 'none'] as const).map((reduction) => ({
      name: `crossEntropy (${reduction})`,
      shapes: rowsCols.map(([n, c]) => [[n, c]]),
      fn: (seed: number, l: Tensor) =>
        crossEntropy(l.mul(5), classIndex(l, l.shape[1]!, seed, [l.shape[0]!]), { reduction }),
    })),
    {
      name: 'nllLoss over [N, C, d]',
      shapes: fc.tuple(dimArb, dimArb, fc.constantFrom(1, 3)).map(([n, c, d]) => [[n, c, d]]),
      fn: (seed, l) => nllLoss(l.logSoftmax(1), classIndex(l, l.shape[1]!, seed, [l.shape[0]!, l.shape[2]!])),
    },
    {
      name: 'crossEntropy with class probabilities',
      shapes: rowsCols.map(([n, c]) => [
        [n, c],
        [n, c],
      ]),
      fn: (_s, l, p) => crossEntropy(l, p.softmax(1), { reduction: 'none' }),
    },
    {
      name: 'mseLoss',
      shapes: rowsCols.map(([n, c]) => [
        [n, c],
        [n, c],
      ]),
      fn: (_s, a, b) => mseLoss(a, b),
    },
    {
      name: 'gather',
      shapes: fc.tuple(dimArb, dimArb).map(([a, b]) => [[a, b]]),
      fn: (seed, x) => gather(x, 1, classIndex(x, x.shape[1]!, seed, [x.shape[0]!, 1 + (seed % 4)])),
    },
    {
      name: 'indexSelect rows (embedding lookup, repeated ids)',
      shapes: fc.tuple(dimArb, dimArb).map(([a, b]) => [[a, b]]),
      fn: (seed, x) => indexSelect(x, 0, classIndex(x, x.shape[0]!, seed, [1 + (seed % 70)])),
    },
    { name: 'gelu', shapes: rowsCols.map(([a, b]) => [[a, b]]), fn: (_s, x) => x.mul(4).gelu() },
    { name: 'silu', shapes: rowsCols.map(([a, b]) => [[a, b]]), fn: (_s, x) => x.mul(4).silu() },
    {
      name: 'linear + gelu / silu',
      shapes: fc.tuple(dimArb, dimArb, dimArb).map(([b, i, o]) => [[b, i], [o, i], [o]]),
      fn: (_s, x, w, b) => linear(x, w, b, 'gelu').add(linear(x, w, b, 'silu')),
    },
    {
      name: 'layerNorm',
      shapes: rowsCols.map(([n, c]) => [[n, c], [c], [c]]),
      fn: (_s, x, w, b) => layerNorm(x, [x.shape[1]!], w, b),
    },
    {
      name: 'dropout (the same seeded mask on both)',
      shapes: rowsCols.map(([n, c]) => [[n, c]]),
      fn: (seed, x) => {
        manualSeed(seed);
        return dropout(x, 0.4);
      },
    },
  ];

  async function runOn(backend: Backend, c: OpCase, seed: number, shapes: number[][]) {
    const xs = shapes.map((s, i) =>
      tensor(randomArray(sizeOf(s), seed + i, -2, 2), s, { backend, requiresGrad: true }),
    );
    const y = c.fn(seed, ...xs);
    y.backward(tensor(randomArray(y.size, seed ^ 0x5bd1e995), [...y.shape], { backend }));
    const out = { y: await y.data(), grads: await Promise.all(xs.map((x) => x.grad!.data())) };
    [y, ...xs].forEach((t) => t.dispose());
    return out;
  }

  for (const c of cases) {
    it(`${c.name}: forward and backward`, async () => {
      await fc.assert(
        fc.asyncProperty(c.shapes, seedArb, async (shapes, seed) => {
          const want = await runOn(cpuBackend(), c, seed, shapes);
          const got = await runOn(gpu, c, seed, shapes);
          const tol = { rtol: 2e-4, atol: 2e-4 };
          expectClose(got.y, want.y, { ...tol, what: `${c.name} forward ${JSON.stringify(shapes)}` });
          got.grads.forEach((g, i) =>
            expectClose(g, want.grads[i]!, { ...tol, what: `${c.name} grad ${i} ${JSON.stringify(shapes)}` }),
          );
        }),
        { numRuns: 8 },
      );
    });
  }

  it(
    'out-of-range indices are named on WebGPU too: at once when made on the ' +
      'host, at the next readback when computed',
    async () => {
      const x = tensor([1, 2, 3, 4, 5, 6], [2, 3], { backend: gpu });
      const host = tensor(new Int32Array([0, 5]), [2], { backend: gpu });
      expect(() => indexSelect(x, 1, host)).toThrow('indexSelect: index 5 at position 1 of int32[2] is outside [0, 3)');
      const computed = tensor(new Int32Array([0, 1, 7]), [3], { backend: gpu }).slice(0, 1); // [1, 7] on the device
      const logits = tensor([0, 0, 0, 0, 0, 0], [2, 3], { backend: gpu });
      const loss = crossEntropy(logits, computed);
      await expect(loss.data()).rejects.toThrow('crossEntropy: class 7 at position 1 of int32[2] is outside [0, 3)');
    },
  );

  it('gelu and silu agree on NaN, ±Inf and the far tails', async () => {
    const special = [NaN, Infinity, -Infinity, 0, -0, -30, -9, -5, -1e-4, 1e-4, 5, 30];
    for (const op of ['gelu', 'silu'] as const) {
      const want = await tensor(special, [special.length], { backend: cpuBackend() })[op]().data();
      const got = await tensor(special, [special.length], { backend: gpu })[op]().data();
      expectClose(got, want, { rtol: 1e-5, atol: 1e-7, what: op });
    }
  });
});
