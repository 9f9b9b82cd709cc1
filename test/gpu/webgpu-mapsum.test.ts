// WebGPU mapSum (an op of the table folded straight into a sum, times a scale) vs the CPU
// reference: random shapes and reduced axes (size-1 dims, odd sizes), unary/binary/ternary ops,
// both reduction kernels (serial, and the tree for a few long rows), outputs poisoned first.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { MapOp } from '../../src/kernels/elementwise.js';
import { describeWebGPU, expectClose, poisoned, randomArray } from '../helpers/gpu.js';

const OPS: MapOp[] = ['identity', 'mul', 'klStdNormal', 'bceWithLogits', 'reparameterize', 'square'];
const ARITY: Record<string, number> = {
  identity: 1,
  square: 1,
  mul: 2,
  klStdNormal: 2,
  bceWithLogits: 2,
  reparameterize: 3,
};

const caseArb = fc
  .array(fc.oneof(fc.integer({ min: 1, max: 7 }), fc.constantFrom(1, 13, 64, 65)), { minLength: 1, maxLength: 3 })
  .chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      axes: fc.subarray([...shape.keys()], { minLength: 1 }),
      op: fc.constantFrom(...OPS),
      scale: fc.constantFrom(1, 0.25, 1 / 128),
      seed: fc.integer({ min: 1, max: 1e9 }),
    }),
  );

await describeWebGPU('webgpu mapSum', (gpu, cpu) => {
  async function check(shape: number[], axes: number[], op: MapOp, scale: number, seed: number): Promise<void> {
    const n = shape.reduce((a, b) => a * b, 1);
    const outSize = shape.filter((_, i) => !axes.includes(i)).reduce((a, b) => a * b, 1);
    const data = Array.from({ length: ARITY[op]! }, (_, j) => randomArray(n, seed + j, -2, 2));
    const g = data.map((d) => gpu.upload(d, 'float32'));
    const c = data.map((d) => cpu.upload(d, 'float32'));
    const gout = poisoned(gpu, outSize);
    const cout = cpu.alloc(outSize, 'float32');
    gpu.mapSum(op, g, shape, axes, gout, { scale });
    cpu.mapSum(op, c, shape, axes, cout, { scale });
    const redCount = n / outSize;
    const want = await cpu.read(cout);
    const tol = Array.from(want, (v) => 1e-5 + 1e-5 * Math.abs(v) + 4 * redCount * 2 ** -23 * scale * 8);
    expectClose(await gpu.read(gout), want, { tol, what: `${op} ${JSON.stringify({ shape, axes, scale })}` });
    [...g, gout].forEach((b) => gpu.free(b));
  }

  it('matches the CPU over random shapes, axes, ops and scales', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, (k) => check(k.shape, [...k.axes].sort(), k.op, k.scale, k.seed)),
      { numRuns: 40 },
    );
  });

  it('folds a few long rows with the tree kernel (and a mean of everything)', async () => {
    await check([3, 5000], [1], 'bceWithLogits', 1, 7);
    await check([128, 784], [0, 1], 'bceWithLogits', 1 / 128, 8);
    await check([128, 20], [0, 1], 'klStdNormal', 1 / 128, 9);
  });

  it('rejects an input of the wrong size', () => {
    const a = gpu.alloc(4, 'float32');
    const o = gpu.alloc(1, 'float32');
    expect(() => gpu.mapSum('identity', [a], [8], [0], o)).toThrow(/holds 4 elements, needs 8/);
  });
});
