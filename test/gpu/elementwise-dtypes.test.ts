// Every elementwise op of the MAP_OPS table on every dtype combination it accepts, on both
// backends: float32 and int32 operands (and float64 on the CPU), over random broadcast shapes
// that include scalars, size-1 axes and odd lengths — the shapes where one operand is a single
// broadcast int32 value once failed to compile on WebGPU (`vec4<f32>(i32)`).
// The CPU is checked against a naive reference (index arithmetic, no odometer); WebGPU against
// the CPU.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DType, Shape, TypedArray } from '../../src/kernels/backend.js';
import { CpuBackend } from '../../src/kernels/cpu/cpu-backend.js';
import { asCpu } from '../../src/kernels/cpu/cpu-buffer.js';
import { FastCpuBackend } from '../../src/kernels/cpu-fast/fast-cpu-backend.js';
import { MAP_OPS, type MapOp } from '../../src/kernels/elementwise.js';
import { broadcastStrides, contiguousStrides, sizeOf } from '../../src/kernels/layout.js';
import { describeWebGPU, expectClose, poisoned, randomArray } from '../helpers/gpu.js';

const OPS = Object.keys(MAP_OPS) as MapOp[];

/** Every assignment of dtypes to an op's operands. */
function dtypeCombos(arity: number, dtypes: readonly DType[]): DType[][] {
  let out: DType[][] = [[]];
  for (let j = 0; j < arity; j++) out = out.flatMap((c) => dtypes.map((d) => [...c, d]));
  return out;
}

/** Operand values where the op is defined: ints for int32, quantized floats for comparisons. */
function operand(op: MapOp, j: number, n: number, dtype: DType, seed: number): TypedArray {
  const positive = ['log', 'sqrt', 'powScalar', 'rdivScalar'].includes(op) || (op === 'div' && j === 1);
  const [lo, hi] = positive ? [1, 4] : op === 'log1p' ? [0, 4] : op === 'exp' ? [-8, 8] : [-4, 4];
  const raw = randomArray(n, seed + 7919 * j, lo, hi);
  const ties = ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'maximum', 'minimum', 'where'].includes(op);
  if (dtype === 'int32') return Int32Array.from(raw, (v) => Math.floor(v));
  const vals = ties ? raw.map((v) => Math.round(v)) : raw;
  return dtype === 'float64' ? Float64Array.from(vals) : vals;
}

/** An output shape (rank 0-3, odd dims) and one broadcastable input shape per operand. */
const shapesArb = (arity: number): fc.Arbitrary<{ out: number[]; ins: number[][] }> =>
  fc.array(fc.constantFrom(1, 2, 3, 5, 7, 13), { minLength: 0, maxLength: 3 }).chain((out) => {
    const input = fc
      .tuple(
        fc.integer({ min: 0, max: out.length }),
        fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
      )
      .map(([drop, ones]) => out.map((d, i) => (ones[i] ? 1 : d)).slice(drop));
    return fc
      .oneof(
        fc.constant(Array.from({ length: arity }, () => out)), // the contiguous kernel
        fc.array(input, { minLength: arity, maxLength: arity }), // broadcasts, scalars ([]) included
      )
      .map((ins) => ({ out, ins }));
  });

/** out[i] = f(inputs at i's broadcast position), by index arithmetic. */
function reference(op: MapOp, ins: { data: TypedArray; shape: Shape }[], out: Shape, p: number, dtype: DType) {
  const n = sizeOf(out);
  const res = dtype === 'float64' ? new Float64Array(n) : dtype === 'int32' ? new Int32Array(n) : new Float32Array(n);
  const outStrides = contiguousStrides(out);
  const strides = ins.map((x) => broadcastStrides(x.shape, out));
  for (let i = 0; i < n; i++) {
    const v = ins.map((x, j) => {
      let off = 0;
      for (let d = 0; d < out.length; d++) off += (Math.floor(i / outStrides[d]!) % out[d]!) * strides[j]![d]!;
      return x.data[off]!;
    });
    res[i] = MAP_OPS[op].cpu(v[0]!, v[1] ?? 0, v[2] ?? 0, p);
  }
  return res;
}

const PARAMS: Partial<Record<MapOp, number[]>> = { powScalar: [2, 3, 0.5, -1] };

describe.each([
  ['cpu-reference', new CpuBackend()],
  ['cpu (fast)', new FastCpuBackend()],
] as const)('%s map: every op, every dtype combination, against index arithmetic', (name, cpu) => {
  for (const op of OPS) {
    const combos = dtypeCombos(MAP_OPS[op].arity, ['float32', 'int32', 'float64']);
    it(`${op} (${combos.length} dtype combinations)`, () => {
      fc.assert(
        fc.property(
          shapesArb(MAP_OPS[op].arity),
          fc.constantFrom(...combos),
          fc.constantFrom<DType>('float32', 'float64'),
          fc.integer({ min: 1, max: 1e9 }),
          fc.constantFrom(...(PARAMS[op] ?? [0.75])),
          (s, dtypes, outType, seed, p) => {
            const ins = s.ins.map((shape, j) => ({ data: operand(op, j, sizeOf(shape), dtypes[j]!, seed), shape }));
            const out = cpu.alloc(sizeOf(s.out), outType);
            cpu.map(
              op,
              ins.map((x, j) => ({ buf: cpu.upload(x.data, dtypes[j]!), shape: x.shape })),
              out,
              s.out,
              p,
            );
            const want = reference(op, ins, s.out, p, outType);
            // the reference loops are the definition; the fast loops may round differently in the last bit
            if (name === 'cpu-reference') expect(Array.from(asCpu(out).data)).toEqual(Array.from(want));
            else expectClose(asCpu(out).data, want, { rtol: 1e-6, atol: 1e-7, what: `${op} ${dtypes} -> ${outType}` });
          },
        ),
        { numRuns: 12 },
      );
    });
  }
});

await describeWebGPU('webgpu map: every op, every dtype combination, against the CPU', (gpu, cpu) => {
  for (const op of OPS) {
    const combos = dtypeCombos(MAP_OPS[op].arity, ['float32', 'int32']);
    it(`${op} (${combos.length} dtype combinations)`, async () => {
      for (const dtypes of combos) {
        await fc.assert(
          fc.asyncProperty(
            shapesArb(MAP_OPS[op].arity),
            fc.integer({ min: 1, max: 1e9 }),
            fc.constantFrom(...(PARAMS[op] ?? [0.75])),
            async (s, seed, p) => {
              const datas = s.ins.map((shape, j) => operand(op, j, sizeOf(shape), dtypes[j]!, seed));
              const n = sizeOf(s.out);
              const g = datas.map((d, j) => ({ buf: gpu.upload(d, dtypes[j]!), shape: s.ins[j]! }));
              const c = datas.map((d, j) => ({ buf: cpu.upload(d, dtypes[j]!), shape: s.ins[j]! }));
              const gOut = poisoned(gpu, n);
              const cOut = cpu.alloc(n, 'float32');
              gpu.map(op, g, gOut, s.out, p);
              cpu.map(op, c, cOut, s.out, p);
              expectClose(await gpu.read(gOut), await cpu.read(cOut), {
                rtol: 4e-6,
                atol: 4e-6,
                what: `${op}(${dtypes.join(', ')}) ${JSON.stringify(s)}`,
              });
              for (const x of g) gpu.free(x.buf);
              gpu.free(gOut);
            },
          ),
          { numRuns: 4 },
        );
      }
    });
  }

  it('identity into int32 (expand of an int32 tensor) is a broadcast copy, exact for every int32', async () => {
    const big = new Int32Array([2 ** 31 - 1, -(2 ** 31), 16777217, -5, 0, 7]);
    for (const [inShape, outShape] of [
      [[6], [6]],
      [[6], [3, 6]],
      [[1], [5]],
      [[], [2, 3]],
      [
        [6, 1],
        [6, 4],
      ],
    ] as [number[], number[]][]) {
      const data = big.subarray(0, sizeOf(inShape));
      const g = gpu.upload(data, 'int32');
      const c = cpu.upload(data, 'int32');
      const gOut = gpu.alloc(sizeOf(outShape), 'int32');
      const cOut = cpu.alloc(sizeOf(outShape), 'int32');
      gpu.map('identity', [{ buf: g, shape: inShape }], gOut, outShape);
      cpu.map('identity', [{ buf: c, shape: inShape }], cOut, outShape);
      const got = await gpu.read(gOut);
      expect(got).toBeInstanceOf(Int32Array);
      expect(Array.from(got), `${inShape} -> ${outShape}`).toEqual(Array.from(await cpu.read(cOut)));
      gpu.free(g);
      gpu.free(gOut);
    }
  });

  it('refuses an int32 output for any other op, on both backends, with the same message', () => {
    for (const backend of [gpu, cpu]) {
      const x = backend.upload(new Float32Array(4), 'float32');
      const o = backend.alloc(4, 'int32');
      expect(() => backend.map('neg', [{ buf: x, shape: [4] }], o, [4])).toThrow(
        /map neg: an int32 output is only for 'identity' of int32 \(a copy\); the other ops write float/,
      );
      expect(() => backend.map('identity', [{ buf: x, shape: [4] }], o, [4])).toThrow(
        /map identity: an int32 output is only for 'identity' of int32/,
      );
    }
  });
});
