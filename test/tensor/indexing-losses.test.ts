// gather, indexSelect, argmax/argmin and the classification losses on the CPU, against plain-JS
// definitions written from PyTorch's documentation (random shapes, repeated indices, ties, NaN).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  argmax,
  crossEntropy,
  gather,
  IndexOutOfRangeError,
  indexSelect,
  mseLoss,
  nllLoss,
  randn,
  tensor,
} from '../../src/index.js';
import { contiguousStrides, sizeOf } from '../../src/kernels/layout.js';

const seedArb = fc.integer({ min: 1, max: 2 ** 30 });

function unravel(i: number, shape: readonly number[]): number[] {
  const c: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    c.unshift(i % shape[d]!);
    i = Math.floor(i / shape[d]!);
  }
  return c;
}
const offset = (c: number[], shape: readonly number[]) =>
  c.reduce((o, v, d) => o + v * contiguousStrides(shape)[d]!, 0);

/** x, an index shape no larger than x off the axis, and index values in range. */
const gatherCase = fc
  .array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 })
  .chain((xShape) =>
    fc.record({
      xShape: fc.constant(xShape),
      axis: fc.integer({ min: 0, max: xShape.length - 1 }),
      shrink: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: xShape.length, maxLength: xShape.length }),
      seed: seedArb,
    }),
  )
  .map(({ xShape, axis, shrink, seed }) => {
    const shape = xShape.map((d, k) => (k === axis ? 1 + (shrink[k]! % 5) : Math.max(1, d - shrink[k]!)));
    const values = Array.from({ length: sizeOf(shape) }, (_, i) => (seed * (i + 7) * 2654435761) % xShape[axis]!);
    return { xShape, axis, shape, values: values.map((v) => Math.abs(v) % xShape[axis]!) };
  });

describe('gather and indexSelect', () => {
  it('gather matches torch.gather over random shapes and axes', async () => {
    await fc.assert(
      fc.asyncProperty(gatherCase, async ({ xShape, axis, shape, values }) => {
        const xs = Array.from({ length: sizeOf(xShape) }, (_, i) => i * 0.5 - 3);
        const y = gather(tensor(xs, xShape), axis, tensor(Int32Array.from(values), shape));
        expect(y.shape).toEqual(shape);
        const want = values.map((v, i) => {
          const c = unravel(i, shape);
          c[axis] = v;
          return xs[offset(c, xShape)];
        });
        expect(Array.from(await y.data())).toEqual(want);
      }),
      { numRuns: 40 },
    );
  });

  it('gather of int32 data keeps the dtype', async () => {
    const y = tensor(new Int32Array([10, 20, 30, 40]), [2, 2]).gather(1, tensor(new Int32Array([1, 1, 0]), [1, 3]));
    expect(y.dtype).toBe('int32');
    expect(await y.toArray()).toEqual([[20, 20, 10]]);
  });

  it('indexSelect takes rows (an embedding lookup) and slices along other axes', async () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(await indexSelect(x, 0, tensor(new Int32Array([1, 1, 0]))).toArray()).toEqual([
      [4, 5, 6],
      [4, 5, 6],
      [1, 2, 3],
    ]);
    expect(await x.indexSelect(1, tensor(new Int32Array([2, 0]))).toArray()).toEqual([
      [3, 1],
      [6, 4],
    ]);
    expect(indexSelect(x, 0, tensor(new Int32Array([]))).shape).toEqual([0, 3]);
  });

  it('the gradient is summed into every element picked, however often', async () => {
    const table = tensor([1, 2, 3, 4, 5, 6], [3, 2], { requiresGrad: true });
    indexSelect(table, 0, tensor(new Int32Array([2, 0, 2, 2])))
      .mul(tensor([1, 10], [1, 2]))
      .sum()
      .backward();
    expect(await table.grad!.toArray()).toEqual([
      [1, 10],
      [0, 0],
      [3, 30],
    ]);
  });

  it('bad indices and shapes are named', () => {
    const x = randn([2, 3]);
    expect(() => gather(x, 1, tensor([0, 1], [2, 1]))).toThrow(/gather: indices must be int32/);
    expect(() => gather(x, 1, tensor(new Int32Array([0, 1]), [2]))).toThrow(/rank of x \[2,3\]/);
    expect(() => gather(x, 0, tensor(new Int32Array(4), [1, 4]))).toThrow(/no larger off axis 0/);
    expect(() => gather(x, 2, tensor(new Int32Array(1), [1, 1]))).toThrow(/axis 2 is out of range/);
    expect(() => indexSelect(x, 0, tensor(new Int32Array(4), [2, 2]))).toThrow(/indexSelect: index must be 1-D/);
  });

  it('an index out of range is an IndexOutOfRangeError naming the op, the value and its position', () => {
    const x = randn([2, 3]);
    expect(() => gather(x, 1, tensor(new Int32Array([0, 3]), [2, 1]))).toThrow(
      'gather: index 3 at position [1,0] of int32[2,1] is outside [0, 3)',
    );
    expect(() => indexSelect(x, 0, tensor(new Int32Array([1, -1])))).toThrow(
      'indexSelect: index -1 at position 1 of int32[2] is outside [0, 2)',
    );
    expect(() => gather(x, 1, tensor(new Int32Array([0, 3]), [2, 1]))).toThrow(IndexOutOfRangeError);
  });
});

describe('argmax and argmin', () => {
  it('match a plain loop on random rows (first index on ties), int32 out', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
        seedArb,
        async (shape, seed) => {
          // few distinct values, so ties are common
          const xs = Array.from({ length: sizeOf(shape) }, (_, i) => ((seed + i * 7919) % 5) - 2);
          const axis = seed % shape.length;
          const x = tensor(xs, shape);
          for (const op of ['argmax', 'argmin'] as const) {
            const y = x[op](axis);
            expect(y.dtype).toBe('int32');
            const outShape = shape.filter((_, k) => k !== axis);
            expect(y.shape).toEqual(outShape);
            const want = Array.from({ length: sizeOf(outShape) }, (_, o) => {
              const c = unravel(o, outShape);
              let best = 0;
              for (let m = 1; m < shape[axis]!; m++) {
                const at = (k: number) => xs[offset([...c.slice(0, axis), k, ...c.slice(axis)], shape)]!;
                if (op === 'argmax' ? at(m) > at(best) : at(m) < at(best)) best = m;
              }
              return best;
            });
            expect(Array.from(await y.data())).toEqual(want);
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it('no axis: the flat position; keepdims keeps size-1 axes', async () => {
    const x = tensor([
      [1, 9, 3],
      [9, 0, 2],
    ]);
    const flat = argmax(x);
    expect(flat.shape).toEqual([]);
    expect(await flat.item()).toBe(1);
    expect(x.argmax(undefined, true).shape).toEqual([1, 1]);
    expect(x.argmin(1, true).shape).toEqual([2, 1]);
    expect(await x.argmin(1, true).toArray()).toEqual([[0], [1]]);
    expect(
      await tensor(new Int32Array([3, 7, 7, -1]))
        .argmax()
        .item(),
    ).toBe(1);
  });

  it('NaN counts as the extreme: the first NaN wins (as in PyTorch)', async () => {
    const x = tensor([1, NaN, 5, NaN, -9]);
    expect(await x.argmax().item()).toBe(1);
    expect(await x.argmin().item()).toBe(1);
    expect(() => tensor([]).argmax()).toThrow(/argmax: .* is empty/);
  });
});

describe('classification and regression losses', () => {
  const logits = [
    [1, 2, 3],
    [1, 1, 1],
    [-5, 0, 5],
  ];
  const target = new Int32Array([2, 0, 1]);
  const logSoftmaxRow = (r: number[]) => {
    const m = Math.max(...r);
    const lse = m + Math.log(r.reduce((s, v) => s + Math.exp(v - m), 0));
    return r.map((v) => v - lse);
  };
  const perExample = logits.map((r, n) => -logSoftmaxRow(r)[target[n]!]!);

  it('crossEntropy = -log softmax at the target, with every reduction', async () => {
    const l = tensor(logits);
    const t = tensor(target);
    expect(await crossEntropy(l, t).item()).toBeCloseTo(perExample.reduce((a, b) => a + b) / 3, 6);
    expect(await crossEntropy(l, t, { reduction: 'sum' }).item()).toBeCloseTo(
      perExample.reduce((a, b) => a + b),
      5,
    );
    const none = await crossEntropy(l, t, { reduction: 'none' }).data();
    perExample.forEach((v, i) => expect(none[i]).toBeCloseTo(v, 6));
    expect(await nllLoss(l.logSoftmax(1), t).item()).toBeCloseTo(await crossEntropy(l, t).item(), 6);
  });

  it('is stable for huge logits and matches class-probability targets', async () => {
    const big = tensor([[1000, -1000, 0]]);
    expect(await crossEntropy(big, tensor(new Int32Array([0]))).item()).toBe(0);
    expect(await crossEntropy(big, tensor(new Int32Array([1]))).item()).toBeCloseTo(2000, 3);
    const l = tensor(logits);
    const probs = tensor([
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(await crossEntropy(l, probs).item()).toBeCloseTo(await crossEntropy(l, tensor(target)).item(), 6);
  });

  it('takes [N, C, d] inputs and a single [C] example', async () => {
    const x = randn([2, 3, 4]);
    const t = tensor(new Int32Array([0, 1, 2, 0, 2, 2, 1, 0]), [2, 4]);
    const perPosition = crossEntropy(x, t, { reduction: 'none' });
    expect(perPosition.shape).toEqual([2, 4]);
    const viaRows = crossEntropy(x.permute([0, 2, 1]).reshape([8, 3]), t.reshape([8]), { reduction: 'none' });
    const [a, b] = [await perPosition.data(), await viaRows.data()];
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 6));
    const single = crossEntropy(tensor([1, 2, 3]), tensor(new Int32Array([2]), []));
    expect(await single.item()).toBeCloseTo(perExample[0]!, 6);
  });

  it('mseLoss with each reduction', async () => {
    const a = tensor([1, 2, 3]);
    const b = tensor([2, 2, 5]);
    expect(await mseLoss(a, b).item()).toBeCloseTo(5 / 3, 6);
    expect(await mseLoss(a, b, { reduction: 'sum' }).item()).toBe(5);
    expect(Array.from(await mseLoss(a, b, { reduction: 'none' }).data())).toEqual([1, 0, 4]);
  });

  it('bad targets and reductions are named', () => {
    const l = randn([3, 4]);
    expect(() => crossEntropy(l, tensor(new Int32Array([0, 1])))).toThrow(
      /crossEntropy: target \[2\] does not fit input \[3,4\]/,
    );
    expect(() => crossEntropy(l, randn([3]))).toThrow(/neither int32 class indices of shape \[3\]/);
    expect(() => nllLoss(l, randn([3]))).toThrow(/nllLoss: target must hold int32 class indices/);
    expect(() => crossEntropy(randn([]), tensor(new Int32Array([0]), []))).toThrow(/no class axis/);
    expect(() => crossEntropy(l, tensor(new Int32Array([0, 4, 1])))).toThrow(
      'crossEntropy: class 4 at position 1 of int32[3] is outside [0, 4)',
    );
    expect(() => nllLoss(l, tensor(new Int32Array([-2, 0, 1])))).toThrow(
      'nllLoss: class -2 at position 0 of int32[3] is outside [0, 4)',
    );
    expect(() => mseLoss(randn([3, 1]), randn([3]))).toThrow(/must have the same shape/);
    expect(() => mseLoss(l, l, { reduction: 'avg' as 'mean' })).toThrow(/mseLoss: reduction must be/);
  });
});
