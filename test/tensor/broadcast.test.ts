// Broadcasting against an independent reference that maps each output index to each input's
// index directly (index mod dim), rather than by strides as the kernels do.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { manualSeed, randn, where, type Tensor } from '../../src/index.js';
import { broadcastPairArb, sizeOf } from '../helpers/shapes.js';

function referenceBroadcast(
  a: ArrayLike<number>,
  sa: number[],
  b: ArrayLike<number>,
  sb: number[],
  f: (x: number, y: number) => number,
) {
  const rank = Math.max(sa.length, sb.length);
  const pad = (s: number[]) => [...Array(rank - s.length).fill(1), ...s];
  const [pa, pb] = [pad(sa), pad(sb)];
  const out = pa.map((d, i) => Math.max(d, pb[i]!));
  const flat = (idx: number[], shape: number[]) =>
    idx.reduce((acc, v, i) => acc * shape[i]! + (shape[i] === 1 ? 0 : v), 0);
  const result: number[] = [];
  const idx = new Array(rank).fill(0);
  for (let n = 0; n < sizeOf(out); n++) {
    let rem = n;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d] = rem % out[d]!;
      rem = Math.floor(rem / out[d]!);
    }
    result.push(f(a[flat(idx, pa)]!, b[flat(idx, pb)]!));
  }
  return { shape: out, values: result };
}

const ops: [string, (a: Tensor, b: Tensor) => Tensor, (x: number, y: number) => number][] = [
  ['add', (a, b) => a.add(b), (x, y) => x + y],
  ['sub', (a, b) => a.sub(b), (x, y) => x - y],
  ['mul', (a, b) => a.mul(b), (x, y) => x * y],
  ['div', (a, b) => a.div(b), (x, y) => x / y],
  ['maximum', (a, b) => a.maximum(b), Math.max],
  ['minimum', (a, b) => a.minimum(b), Math.min],
  ['gt', (a, b) => a.gt(b), (x, y) => (x > y ? 1 : 0)],
  ['where', (a, b) => where(a.gt(0), a, b), (x, y) => (x > 0 ? x : y)],
];

describe('broadcasting matches an index-walk reference', () => {
  for (const [name, op, f] of ops) {
    it(name, async () => {
      await fc.assert(
        fc.asyncProperty(broadcastPairArb(), fc.integer({ min: 0, max: 1e6 }), async ([sa, sb], seed) => {
          manualSeed(seed);
          const a = randn(sa),
            b = randn(sb);
          const y = op(a, b);
          const ref = referenceBroadcast(await a.data(), sa, await b.data(), sb, f);
          expect(y.shape).toEqual(ref.shape);
          const got = await y.data();
          ref.values.forEach((v, i) => expect(got[i]).toBeCloseTo(Math.fround(v), 5));
          [a, b, y].forEach((t) => t.dispose());
        }),
        { numRuns: 40 },
      );
    });
  }

  it('names the op and both shapes when shapes do not broadcast', () => {
    expect(() => randn([2, 3]).add(randn([4]))).toThrow(/add: shapes \[2,3\] and \[4\] cannot be broadcast/);
  });
});
