// The fast CPU backend's elementwise maps, reductions and Adam against the reference: they
// compute the same values in the same order, so the results must be identical bit for bit —
// over random shapes with broadcasting (size-1 and missing axes), scalars, every op of the
// table, float32 and int32, and NaN/infinities in the data.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Buf, DType, ReduceOp } from '../../src/kernels/backend.js';
import { CpuBackend } from '../../src/kernels/cpu/cpu-backend.js';
import { asCpu } from '../../src/kernels/cpu/cpu-buffer.js';
import { FastCpuBackend } from '../../src/kernels/cpu-fast/fast-cpu-backend.js';
import { ROW_LOOPS } from '../../src/kernels/cpu-fast/map-loops.js';
import { MAP_OPS, type MapOp } from '../../src/kernels/elementwise.js';
import { broadcastShapes } from '../../src/tensor/shape.js';
import { expectBitEqual, randomArray } from '../helpers/gpu.js';
import { broadcastPairArb, shapeArb, sizeOf } from '../helpers/shapes.js';

const fast = new FastCpuBackend();
const ref = new CpuBackend();
const data = (b: Buf) => asCpu(b).data;
const OPS = Object.keys(MAP_OPS) as MapOp[];

/** Values with a few specials mixed in (NaN, ±Infinity, 0, -0, 1). */
function values(n: number, seed: number, dtype: DType): Float32Array | Int32Array {
  const v = randomArray(n, seed, -3, 3);
  const specials = [NaN, Infinity, -Infinity, 0, -0, 1];
  for (let i = seed % 5; i < n; i += 7) v[i] = specials[(i + seed) % specials.length]!;
  return dtype === 'int32' ? Int32Array.from(v, (x) => (Number.isFinite(x) ? Math.round(x) : 2)) : v;
}

function mapBoth(
  op: MapOp,
  shapes: number[][],
  dtype: DType,
  outDtype: DType,
  seed: number,
  param: number,
  ...only: CpuBackend[]
) {
  const outShape = broadcastShapes(op, ...shapes);
  const ins = shapes.map((s, i) => values(sizeOf(s), seed + i, dtype));
  return (only.length ? only : [fast, ref]).map((be) => {
    const out = be.alloc(sizeOf(outShape), outDtype);
    be.map(
      op,
      ins.map((v, i) => ({ buf: be.upload(v, dtype), shape: shapes[i]! })),
      out,
      outShape,
      param,
    );
    return data(out);
  });
}

const threeShapes = broadcastPairArb(4, 5).chain(([a, b]) =>
  fc.constantFrom<number[][]>([a, b, a], [a, b, b], [a, [], b], [[], a, b]),
);

describe('fast CPU map = reference, bit for bit', () => {
  it('every op of the table has a row loop of its own (else it runs the slower shared loop)', () => {
    const missing = OPS.filter((op) => !ROW_LOOPS[op]);
    expect(missing, `add these ops to ROW_LOOPS in src/kernels/cpu-fast/map-loops.ts: ${missing.join(', ')}`).toEqual(
      [],
    );
  });

  it('every op of the table over broadcast shapes, float32', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...OPS),
        threeShapes,
        fc.integer({ min: 1, max: 1e6 }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        (op, shapes, seed, param) => {
          const [got, want] = mapBoth(op, shapes.slice(0, MAP_OPS[op].arity), 'float32', 'float32', seed, param);
          expectBitEqual(got!, want!, `${op} ${JSON.stringify(shapes)}`);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('int32 inputs to every op of the table: float32 results, and the int32 copy (identity)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...OPS), threeShapes, fc.integer({ min: 1, max: 1e6 }), (op, shapes, seed) => {
        const outDtype: DType = op === 'identity' ? 'int32' : 'float32';
        const [got, want] = mapBoth(op, shapes.slice(0, MAP_OPS[op].arity), 'int32', outDtype, seed, 2);
        expectBitEqual(got!, want!, `${op} ${JSON.stringify(shapes)} -> ${outDtype}`);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses an int32 output of a computing op, as the reference does', () => {
    const run = (be: CpuBackend) => () => mapBoth('add', [[2], [2]], 'int32', 'int32', 1, 0, be);
    expect(run(fast)).toThrow(/map add: an int32 output is only for 'identity'/);
    expect(run(ref)).toThrow(/map add: an int32 output is only for 'identity'/);
  });

  it('every mix of whole-size and scalar inputs (the flat loops)', () => {
    for (let mask = 0; mask < 8; mask++) {
      const shapes = [0, 1, 2].map((i) => (mask & (1 << i) ? [] : [2, 3]));
      if (mask === 7) shapes[0] = [1, 1];
      for (const op of ['where', 'add', 'neg'] as const) {
        const [got, want] = mapBoth(op, shapes.slice(0, MAP_OPS[op].arity), 'float32', 'float32', 3 + mask, 0);
        expectBitEqual(got!, want!, `${op} ${JSON.stringify(shapes)}`);
      }
    }
  });

  it('the shapes of a training step: same shape, a scalar, a broadcast column, a bias row', () => {
    for (const shapes of [
      [
        [128, 784],
        [128, 784],
      ],
      [[128, 400], []],
      [
        [128, 1],
        [128, 784],
      ],
      [[128, 20], [20]],
      [[1], [3, 1, 5]],
    ]) {
      const [got, want] = mapBoth('sub', shapes, 'float32', 'float32', 9, 0);
      expectBitEqual(got!, want!, JSON.stringify(shapes));
    }
  });
});

describe('fast CPU reduce = reference, bit for bit', () => {
  const caseArb = fc
    .tuple(shapeArb(4, 5), fc.constantFrom<ReduceOp>('sum', 'max', 'min'), fc.integer({ min: 1, max: 1e6 }))
    .filter(([shape]) => shape.length > 0)
    .chain(([shape, op, seed]) =>
      fc
        .subarray(
          shape.map((_, i) => i),
          { minLength: 1 },
        )
        .map((axes) => ({ shape, op, seed, axes })),
    );

  it('any axes (contiguous runs on the fast path, others on the reference)', () => {
    fc.assert(
      fc.property(caseArb, ({ shape, op, seed, axes }) => {
        const x = values(sizeOf(shape), seed, 'float32');
        const outSize = sizeOf(shape.filter((_, i) => !axes.includes(i)));
        const [got, want] = [fast, ref].map((be) => {
          const out = be.alloc(outSize, 'float32');
          be.reduce(op, be.upload(x, 'float32'), shape, axes, out);
          return data(out);
        });
        expectBitEqual(got!, want!, `${op} ${JSON.stringify(shape)} over ${axes}`);
      }),
      { numRuns: 300 },
    );
  });

  it('row sums and column sums of a training batch', () => {
    for (const axes of [[0], [1]]) {
      const x = randomArray(128 * 784, 5);
      const [got, want] = [fast, ref].map((be) => {
        const out = be.alloc(axes[0] === 0 ? 784 : 128, 'float32');
        be.reduce('sum', be.upload(x, 'float32'), [128, 784], axes, out);
        return data(out);
      });
      expectBitEqual(got!, want!, `sum over ${axes}`);
    }
  });
});

describe('fast CPU Adam (WebAssembly f64x2) = reference, bit for bit', () => {
  it('random parameters, gradients, moments and settings', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 1e6 }),
        fc.record({
          lr: fc.double({ min: 1e-5, max: 0.1, noNaN: true }),
          beta1: fc.double({ min: 0, max: 0.99, noNaN: true }),
          beta2: fc.double({ min: 0.9, max: 0.9999, noNaN: true }),
          eps: fc.constantFrom(1e-8, 1e-6),
          weightDecay: fc.constantFrom(0, 0.01),
          t: fc.integer({ min: 1, max: 1000 }),
        }),
        (n, seed, s) => {
          const init = [randomArray(n, seed), randomArray(n, seed + 1), randomArray(n, seed + 2, 0, 1)];
          const grad = randomArray(n, seed + 3);
          const desc = { ...s, bias1: 1 - s.beta1 ** s.t, bias2: 1 - s.beta2 ** s.t };
          const [got, want] = [fast, ref].map((be) => {
            const [p, m, v] = init.map((a) => be.upload(a, 'float32')) as [Buf, Buf, Buf];
            be.adam(p, be.upload(grad, 'float32'), m, v, desc);
            return [p, m, v].map(data);
          });
          for (let i = 0; i < 3; i++) expectBitEqual(got![i]!, want![i]!, ['param', 'm', 'v'][i]);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('fast CPU Adam across chunks', () => {
  it('an odd length over three 65536-element chunks, with weight decay, bit for bit', () => {
    const n = 2 * 65536 + 3;
    const init = [randomArray(n, 1), randomArray(n, 2), randomArray(n, 3, 0, 1)];
    const grad = randomArray(n, 4);
    const desc = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, bias1: 0.271, bias2: 0.00399 };
    const [got, want] = [fast, ref].map((be) => {
      const [p, m, v] = init.map((a) => be.upload(a, 'float32')) as [Buf, Buf, Buf];
      be.adam(p, be.upload(grad, 'float32'), m, v, desc);
      return [p, m, v].map(data);
    });
    for (let i = 0; i < 3; i++) expectBitEqual(got![i]!, want![i]!, ['param', 'm', 'v'][i]);
  });
});

describe('float64 stays on the reference loops', () => {
  it('map, reduce and Adam in float64 equal the reference exactly', () => {
    const x = Float64Array.from(randomArray(60, 11));
    const y = Float64Array.from(randomArray(12, 12));
    const [got, want] = [fast, ref].map((be) => {
      const out = be.alloc(60, 'float64');
      be.map(
        'div',
        [
          { buf: be.upload(x, 'float64'), shape: [5, 12] },
          { buf: be.upload(y, 'float64'), shape: [12] },
        ],
        out,
        [5, 12],
      );
      const sum = be.alloc(12, 'float64');
      be.reduce('sum', out, [5, 12], [0], sum);
      return [...data(out), ...data(sum)];
    });
    expect(got).toEqual(want);
  });
});
