// WebGPU reduce and strided copy vs the CPU reference: random shapes, random axis sets (both the
// workgroup-tree and the serial kernel forced), NaN/±Inf in max/min, random permutations and
// slices with offsets, and outputs beyond one 65535-workgroup dimension.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { Layout, ReduceOp } from '../../src/kernels/backend.js';
import { contiguousStrides, sizeOf } from '../../src/kernels/layout.js';
import { encodeReduce, type ReduceKernelKind } from '../../src/kernels/webgpu/kernels/reduce.js';
import type { WebGPUBuf } from '../../src/kernels/webgpu/index.js';
import { describeWebGPU, expectBitEqual, expectClose, poisoned, randomArray } from '../helpers/gpu.js';

const OPS: ReduceOp[] = ['sum', 'max', 'min'];

const reduceCase = fc
  .array(fc.constantFrom(1, 2, 3, 5, 8, 13, 64, 100), { minLength: 1, maxLength: 4 })
  .filter((shape) => sizeOf(shape) <= 100_000)
  .chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      axes: fc.subarray(shape.map((_, i) => i)),
      op: fc.constantFrom(...OPS),
      seed: fc.integer({ min: 1, max: 1e9 }),
      specials: fc.boolean(),
    }),
  );

await describeWebGPU('webgpu reduce and copy', (gpu, cpu) => {
  async function checkReduce(
    c: { shape: number[]; axes: number[]; op: ReduceOp; seed: number; specials: boolean },
    force?: ReduceKernelKind,
  ): Promise<void> {
    const n = sizeOf(c.shape);
    const data = randomArray(n, c.seed, -2, 2);
    if (c.specials) {
      // sprinkle NaN / ±Inf: they must propagate exactly as on the CPU
      for (let i = c.seed % 7; i < n; i += 11) data[i] = [NaN, Infinity, -Infinity][i % 3]!;
    }
    const outSize = sizeOf(c.shape.filter((_, i) => !c.axes.includes(i)));
    const gx = gpu.upload(data, 'float32');
    const gout = poisoned(gpu, outSize);
    if (force) encodeReduce(gpu.runtime, c.op, gx as WebGPUBuf, c.shape, c.axes, gout as WebGPUBuf, force);
    else gpu.reduce(c.op, gx, c.shape, c.axes, gout);
    const cout = cpu.alloc(outSize, 'float32');
    cpu.reduce(c.op, cpu.upload(data, 'float32'), c.shape, c.axes, cout);
    // a float32 sum of R terms is off by at most ~R ulps of Σ|x|
    const absOut = cpu.alloc(outSize, 'float32');
    cpu.reduce('sum', cpu.upload(data.map(Math.abs), 'float32'), c.shape, c.axes, absOut);
    const r = n / Math.max(1, outSize);
    const tol = Array.from(await cpu.read(absOut), (s) => (c.op === 'sum' ? 1e-6 + (r + 2) * 2 ** -23 * s : 0));
    expectClose(await gpu.read(gout), await cpu.read(cout), {
      tol,
      what: `${force ?? 'auto'} ${JSON.stringify({ ...c })}`,
    });
    gpu.free(gx);
    gpu.free(gout);
  }

  for (const force of [undefined, 'tree', 'serial'] as const) {
    it(`reduce (${force ?? 'auto'} kernel) matches the CPU over random shapes and axis sets`, async () => {
      await fc.assert(
        fc.asyncProperty(reduceCase, (c) => checkReduce(c, force)),
        { numRuns: 40 },
      );
    });
  }

  it('reduces rows of the VAE shapes, all axes, and no axes', async () => {
    for (const op of OPS) {
      await checkReduce({ shape: [128, 784], axes: [1], op, seed: 1, specials: false });
      await checkReduce({ shape: [128, 400], axes: [0], op, seed: 2, specials: false });
      await checkReduce({ shape: [3, 1000, 7], axes: [0, 1, 2], op, seed: 3, specials: true });
      await checkReduce({ shape: [4, 5], axes: [], op, seed: 4, specials: true });
      await checkReduce({ shape: [1], axes: [0], op, seed: 5, specials: false });
    }
  });

  it('writes the identity for an empty reduction, like the CPU', async () => {
    const x = gpu.alloc(0, 'float32');
    for (const [op, want] of [
      ['sum', 0],
      ['max', -Infinity],
      ['min', Infinity],
    ] as const) {
      const out = poisoned(gpu, 3);
      gpu.reduce(op, x, [3, 0], [1], out);
      expect(Array.from(await gpu.read(out))).toEqual([want, want, want]);
    }
  });

  it('splits a tree reduce over more than 65535 outputs across a 2-D grid', async () => {
    await checkReduce({ shape: [70000, 3], axes: [1], op: 'sum', seed: 6, specials: false }, 'tree');
  });

  // ---- copy --------------------------------------------------------------------------------

  const copyCase = fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 6 }).chain((base) =>
    fc.record({
      base: fc.constant(base),
      perm: fc.shuffledSubarray(
        base.map((_, i) => i),
        { minLength: base.length, maxLength: base.length },
      ),
      starts: fc.tuple(...base.map((d) => fc.integer({ min: 0, max: d - 1 }))),
      dstPad: fc.integer({ min: 0, max: 5 }),
      dtype: fc.constantFrom('float32' as const, 'int32' as const),
      seed: fc.integer({ min: 1, max: 1e9 }),
    }),
  );

  it('copy matches the CPU for random permutations and slices (bit for bit)', async () => {
    await fc.assert(
      fc.asyncProperty(copyCase, async (c) => {
        // source: a dense array of shape `base`; view: permuted, and sliced from `starts`
        const srcStrides = contiguousStrides(c.base);
        const shape = c.perm.map((a) => c.base[a]! - c.starts[a]!);
        const from: Layout = {
          offset: c.starts.reduce((o, s, a) => o + s * srcStrides[a]!, 0),
          strides: c.perm.map((a) => srcStrides[a]!),
        };
        // destination: dense, after `dstPad` untouched elements
        const to: Layout = { offset: c.dstPad, strides: contiguousStrides(shape) };
        const n = sizeOf(c.base),
          m = c.dstPad + sizeOf(shape);
        const data =
          c.dtype === 'int32'
            ? Int32Array.from(randomArray(n, c.seed), (v) => Math.round(v * 1e6))
            : randomArray(n, c.seed);
        const gsrc = gpu.upload(data, c.dtype),
          csrc = cpu.upload(data, c.dtype);
        const gdst = poisoned(gpu, m, c.dtype),
          cdst = cpu.alloc(m, c.dtype);
        cpu.fill(cdst, c.dtype === 'int32' ? -123456789 : NaN);
        gpu.copy(gsrc, from, gdst, to, shape);
        cpu.copy(csrc, from, cdst, to, shape);
        expectBitEqual(await gpu.read(gdst), await cpu.read(cdst), JSON.stringify(c));
        gpu.free(gsrc);
        gpu.free(gdst);
      }),
      { numRuns: 60 },
    );
  });

  it('copy handles negative strides, broadcast (stride 0) sources, dtype conversion and in-place moves', async () => {
    const src = gpu.upload(new Float32Array([1, 2, 3, 4, 5, 6]), 'float32');
    const out = poisoned(gpu, 6);
    gpu.copy(src, { offset: 5, strides: [-1] }, out, { offset: 0, strides: [1] }, [6]);
    expect(Array.from(await gpu.read(out))).toEqual([6, 5, 4, 3, 2, 1]);
    gpu.copy(src, { offset: 1, strides: [0, 1] }, out, { offset: 0, strides: [3, 1] }, [2, 3]);
    expect(Array.from(await gpu.read(out))).toEqual([2, 3, 4, 2, 3, 4]);
    const ints = gpu.upload(new Int32Array([7, -8]), 'int32');
    gpu.copy(ints, { offset: 0, strides: [1] }, out, { offset: 4, strides: [1] }, [2]);
    expect(Array.from(await gpu.read(out))).toEqual([2, 3, 4, 2, 7, -8]);
    // same buffer on both sides, non-overlapping regions (as the CPU loop would do it)
    gpu.copy(out, { offset: 0, strides: [1] }, out, { offset: 3, strides: [1] }, [3]);
    expect(Array.from(await gpu.read(out))).toEqual([2, 3, 4, 2, 3, 4]);
  });

  it('copies millions of elements (a 2,100,000 × 2 transpose)', async () => {
    const rows = 2_100_000;
    const data = randomArray(2 * rows, 11);
    const src = gpu.upload(data, 'float32');
    const dst = poisoned(gpu, 2 * rows);
    gpu.copy(src, { offset: 0, strides: [1, rows] }, dst, { offset: 0, strides: [2, 1] }, [rows, 2]);
    const got = await gpu.read(dst);
    for (const r of [0, 1, 1_000_003, rows - 1]) {
      expect(got[2 * r]).toBe(data[r]);
      expect(got[2 * r + 1]).toBe(data[rows + r]);
    }
    expect(got.every((v) => !Number.isNaN(v))).toBe(true);
    gpu.free(src);
    gpu.free(dst);
  });

  it('copy throws clearly beyond its maximum rank', () => {
    const src = gpu.alloc(2 ** 7, 'float32');
    const dst = gpu.alloc(2 ** 7, 'float32');
    const shape = Array<number>(7).fill(2);
    // a transposing layout cannot be merged into fewer axes
    const strides = contiguousStrides(shape).reverse();
    expect(() =>
      gpu.copy(src, { offset: 0, strides }, dst, { offset: 0, strides: contiguousStrides(shape) }, shape),
    ).toThrow(/rank 7.*limit of 6/);
  });
});
