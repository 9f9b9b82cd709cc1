// WebGPU map vs the CPU reference: every op of the MAP_OPS table, over random broadcast shapes
// (size-1 axes, missing leading axes, primes), int32 inputs, and NaN/±Inf propagation.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { Buf, Shape } from '../../src/kernels/backend.js';
import { MAP_OPS, type MapOp } from '../../src/kernels/elementwise.js';
import { sizeOf } from '../../src/kernels/layout.js';
import { describeWebGPU, expectClose, poisoned, randomArray } from '../helpers/gpu.js';

const OPS = Object.keys(MAP_OPS) as MapOp[];

/** Inputs in a domain where the op is defined and well-conditioned. */
function domain(op: MapOp, input: number): [number, number] {
  if (['log', 'sqrt', 'powScalar', 'rdivScalar'].includes(op)) return [0.1, 3];
  if (op === 'log1p') return [-0.9, 3];
  if (op === 'div' && input === 1) return [0.5, 2];
  if (op === 'exp') return [-10, 10];
  return [-3, 3];
}

/** Some ops need ties or zeros to be interesting: quantize their inputs. */
function quantize(op: MapOp, a: Float32Array): Float32Array {
  if (['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'maximum', 'minimum', 'where'].includes(op))
    return a.map((v) => Math.round(v));
  return a;
}

const TOL: Partial<Record<MapOp, number>> = {
  exp: 2e-6,
  powScalar: 4e-6,
  log: 2e-6,
  log1p: 2e-6,
  softplus: 2e-6,
  bceWithLogits: 2e-6,
  tanh: 2e-6,
  sigmoid: 2e-6,
};

/** An output shape and one input shape per operand that broadcasts to it. */
const shapesArb = (arity: number): fc.Arbitrary<{ out: number[]; ins: number[][] }> =>
  fc.array(fc.constantFrom(1, 2, 3, 5, 7, 13, 64), { minLength: 0, maxLength: 4 }).chain((out) => {
    const input = fc
      .tuple(
        fc.integer({ min: 0, max: out.length }),
        fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
      )
      .map(([drop, ones]) => out.map((d, i) => (ones[i] ? 1 : d)).slice(drop));
    // half the time all inputs take the full shape (the contiguous kernel)
    const ins = fc.oneof(
      fc.constant(Array.from({ length: arity }, () => out)),
      fc.array(input, { minLength: arity, maxLength: arity }),
    );
    return ins.map((i) => ({ out, ins: i }));
  });

const PARAM: Partial<Record<MapOp, number[]>> = { powScalar: [2, 3, 0.5, -1, 0, 1.5] };

await describeWebGPU('webgpu map', (gpu, cpu) => {
  async function compare(
    op: MapOp,
    shapes: { out: number[]; ins: number[][] },
    seed: number,
    param: number,
  ): Promise<void> {
    const datas = shapes.ins.map((s, j) => {
      const [lo, hi] = domain(op, j);
      return quantize(op, randomArray(sizeOf(s), seed + 7919 * j, lo, hi));
    });
    const n = sizeOf(shapes.out);
    const gIns = shapes.ins.map((shape, j) => ({ buf: gpu.upload(datas[j]!, 'float32'), shape }));
    const cIns = shapes.ins.map((shape, j) => ({ buf: cpu.upload(datas[j]!, 'float32'), shape }));
    const gOut = poisoned(gpu, n);
    const cOut = cpu.alloc(n, 'float32');
    gpu.map(op, gIns, gOut, shapes.out, param);
    cpu.map(op, cIns, cOut, shapes.out, param);
    const rtol = TOL[op] ?? 1e-6;
    expectClose(await gpu.read(gOut), await cpu.read(cOut), {
      rtol,
      atol: rtol,
      what: `${op} ${JSON.stringify(shapes)}`,
    });
    for (const i of gIns) gpu.free(i.buf);
    gpu.free(gOut);
  }

  it.each(OPS)('%s matches the CPU over broadcast shapes', async (op) => {
    const arity = MAP_OPS[op].arity;
    const params = PARAM[op] ?? [0.75, -1.25];
    await fc.assert(
      fc.asyncProperty(shapesArb(arity), fc.integer({ min: 1, max: 1e9 }), fc.constantFrom(...params), (s, seed, p) =>
        compare(op, s, seed, p),
      ),
      { numRuns: 6 },
    );
  });

  it('matches the CPU on large contiguous and prime-sized inputs', async () => {
    for (const n of [1, 2, 3, 4, 5, 127, 1000, 4099]) {
      await compare('mul', { out: [n], ins: [[n], [n]] }, n, 0);
      await compare('bceWithLogits', { out: [n], ins: [[n], [1]] }, n + 1, 0);
    }
  });

  it('propagates NaN and ±Inf as the CPU does, for every op', async () => {
    const special = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 2.5];
    for (const op of OPS) {
      const arity = MAP_OPS[op].arity;
      // every combination of special values: a grid of shape [8] × arity broadcast
      const outShape = Array<number>(arity).fill(special.length);
      const ins = Array.from({ length: arity }, (_, j) => outShape.map((d, i) => (i === j ? d : 1)));
      const data = new Float32Array(special);
      const n = sizeOf(outShape);
      const param = op === 'powScalar' ? 2 : 1;
      const gOut = poisoned(gpu, n);
      const cOut = cpu.alloc(n, 'float32');
      const g = gpu.upload(data, 'float32');
      const c = cpu.upload(data, 'float32');
      gpu.map(
        op,
        ins.map((shape) => ({ buf: g, shape })),
        gOut,
        outShape,
        param,
      );
      cpu.map(
        op,
        ins.map((shape) => ({ buf: c, shape })),
        cOut,
        outShape,
        param,
      );
      expectClose(await gpu.read(gOut), await cpu.read(cOut), { rtol: 1e-6, what: op });
      gpu.free(g);
      gpu.free(gOut);
    }
  });

  it('reads int32 inputs as floats: oneHot = eq(indices, arange)', async () => {
    const labels = new Int32Array([3, 0, 9, 1, 1]);
    const classes = 10;
    const idx = gpu.upload(labels, 'int32');
    const arange = gpu.upload(
      Int32Array.from({ length: classes }, (_, i) => i),
      'int32',
    );
    const out = poisoned(gpu, labels.length * classes);
    gpu.map(
      'eq',
      [
        { buf: idx, shape: [5, 1] },
        { buf: arange, shape: [classes] },
      ],
      out,
      [5, classes],
    );
    const got = await gpu.read(out);
    expect(got).toBeInstanceOf(Float32Array);
    for (let r = 0; r < 5; r++)
      for (let c = 0; c < classes; c++) expect(got[r * classes + c]).toBe(c === labels[r] ? 1 : 0);
    // mixed int32 + float32, contiguous path
    const f = gpu.upload(new Float32Array([0.5, 0.5, 0.5, 0.5, 0.5]), 'float32');
    const o2 = poisoned(gpu, 5);
    gpu.map(
      'add',
      [
        { buf: idx, shape: [5] },
        { buf: f, shape: [5] },
      ],
      o2,
      [5],
    );
    expect(Array.from(await gpu.read(o2))).toEqual([3.5, 0.5, 9.5, 1.5, 1.5]);
  });

  it('allows the output to be one of the inputs (in place)', async () => {
    const x = gpu.upload(new Float32Array([1, 2, 3, 4, 5]), 'float32');
    gpu.map(
      'mul',
      [
        { buf: x, shape: [5] },
        { buf: x, shape: [5] },
      ],
      x,
      [5],
    );
    gpu.map('addScalar', [{ buf: x, shape: [5] }], x, [5], 1);
    expect(Array.from(await gpu.read(x))).toEqual([2, 5, 10, 17, 26]);
  });

  it('rejects int32 outputs, wrong arity, bad broadcasts and unknown ops clearly', () => {
    const x = gpu.alloc(4, 'float32');
    const i = gpu.alloc(4, 'int32');
    expect(() => gpu.map('neg', [{ buf: x, shape: [4] }], i, [4])).toThrow(/float32/);
    expect(() => gpu.map('add', [{ buf: x, shape: [4] }], x, [4])).toThrow(/2 input/);
    expect(() =>
      gpu.map(
        'add',
        [
          { buf: x, shape: [4] },
          { buf: x, shape: [3] },
        ],
        x,
        [4],
      ),
    ).toThrow(/\[3\] does not broadcast to \[4\]/);
    expect(() => gpu.map('nope' as MapOp, [{ buf: x, shape: [4] }], x, [4])).toThrow(/unknown op 'nope'/);
  });

  it('runs a broadcast over millions of elements (strided kernel)', async () => {
    const cols = 2_100_000;
    const a = gpu.upload(randomArray(cols, 5), 'float32');
    const out: Buf = poisoned(gpu, 2 * cols);
    const rowShift = gpu.upload(new Float32Array([10, 20]), 'float32');
    const shape: Shape = [2, cols];
    gpu.map(
      'add',
      [
        { buf: a, shape: [cols] },
        { buf: rowShift, shape: [2, 1] },
      ],
      out,
      shape,
    );
    const got = await gpu.read(out);
    const want = await gpu.read(a);
    for (let r = 0; r < 2; r++) {
      for (const c of [0, 1, 65535 * 32, cols - 1]) expect(got[r * cols + c]).toBeCloseTo(want[c]! + 10 * (r + 1), 4);
    }
    expect(got.every((v) => !Number.isNaN(v))).toBe(true);
    gpu.free(a);
    gpu.free(out);
  });
});
