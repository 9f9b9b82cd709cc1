// WebGPU matmul vs the CPU reference, each strategy forced on its own: all four transpose
// combinations, batches with shared (stride 0) matrices, the fused bias + activation epilogue,
// and edge shapes (1×1, primes, non-multiples of the 64×64 tile, vec4-aligned and not).
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { Activation, MatmulDesc } from '../../src/kernels/backend.js';
import type { MatmulStrategy } from '../../src/kernels/webgpu/index.js';
import { describeWebGPU, expectClose, poisoned, randomArray } from '../helpers/gpu.js';

const STRATEGIES: MatmulStrategy[] = ['naive', 'blocked', 'tiled'];
const ACTIVATIONS: Activation[] = ['none', 'relu', 'sigmoid', 'tanh'];

interface Case {
  m: number;
  n: number;
  k: number;
  batch: number;
  transA: boolean;
  transB: boolean;
  sharedA: boolean;
  sharedB: boolean;
  bias: boolean;
  activation: Activation;
  seed: number;
}

const dim = fc.oneof(fc.integer({ min: 1, max: 9 }), fc.constantFrom(4, 8, 16, 20, 61, 64, 65, 67, 127, 128));
const caseArb: fc.Arbitrary<Case> = fc.record({
  m: dim,
  n: dim,
  k: fc.oneof(fc.integer({ min: 1, max: 9 }), fc.constantFrom(16, 33, 61, 128)),
  batch: fc.constantFrom(1, 1, 2, 3),
  transA: fc.boolean(),
  transB: fc.boolean(),
  sharedA: fc.boolean(),
  sharedB: fc.boolean(),
  bias: fc.boolean(),
  activation: fc.constantFrom(...ACTIVATIONS),
  seed: fc.integer({ min: 1, max: 1e9 }),
});

await describeWebGPU('webgpu matmul', (gpu, cpu) => {
  async function check(strategy: MatmulStrategy, c: Case): Promise<void> {
    const desc: MatmulDesc = {
      batch: c.batch,
      m: c.m,
      n: c.n,
      k: c.k,
      transA: c.transA,
      transB: c.transB,
      aBatchStride: c.sharedA ? 0 : c.m * c.k,
      bBatchStride: c.sharedB ? 0 : c.k * c.n,
      activation: c.activation,
    };
    const aData = randomArray((c.sharedA ? 1 : c.batch) * c.m * c.k, c.seed);
    const bData = randomArray((c.sharedB ? 1 : c.batch) * c.k * c.n, c.seed + 1);
    const biasData = randomArray(c.n, c.seed + 2);
    const outSize = c.batch * c.m * c.n;

    const ga = gpu.upload(aData, 'float32'),
      gb = gpu.upload(bData, 'float32');
    const gbias = c.bias ? gpu.upload(biasData, 'float32') : undefined;
    const gout = poisoned(gpu, outSize);
    // op(A)'s row sums (a Linear layer's bias gradient) ride along whenever the batch is 1
    const sums = c.batch === 1;
    const grs = sums ? poisoned(gpu, c.m) : undefined;
    gpu.setMatmulStrategy(strategy);
    gpu.matmul(ga, gb, gout, { ...desc, bias: gbias, rowSums: grs });

    const ca = cpu.upload(aData, 'float32'),
      cb = cpu.upload(bData, 'float32');
    const cout = cpu.alloc(outSize, 'float32');
    const crs = sums ? cpu.alloc(c.m, 'float32') : undefined;
    cpu.matmul(ca, cb, cout, { ...desc, bias: c.bias ? cpu.upload(biasData, 'float32') : undefined, rowSums: crs });
    // error bound: float32 accumulation of K products, relative to Σ|a||b| (+|bias|)
    const absA = cpu.upload(aData.map(Math.abs), 'float32'),
      absB = cpu.upload(bData.map(Math.abs), 'float32');
    const scale = cpu.alloc(outSize, 'float32');
    cpu.matmul(absA, absB, scale, {
      ...desc,
      activation: 'none',
      bias: c.bias ? cpu.upload(biasData.map(Math.abs), 'float32') : undefined,
    });
    const s = await cpu.read(scale);
    const tol = Array.from(s, (v) => 2e-6 + (c.k + 2) * 2 ** -23 * v);

    expectClose(await gpu.read(gout), await cpu.read(cout), { tol, what: `${strategy} ${JSON.stringify(c)}` });
    if (grs && crs) {
      const absSums = cpu.alloc(c.m, 'float32');
      cpu.matmul(absA, absB, cpu.alloc(outSize, 'float32'), { ...desc, activation: 'none', rowSums: absSums });
      const rtol = Array.from(await cpu.read(absSums), (v) => 2e-6 + (c.k + 2) * 2 ** -23 * v);
      expectClose(await gpu.read(grs), await cpu.read(crs), {
        tol: rtol,
        what: `${strategy} row sums ${JSON.stringify(c)}`,
      });
      gpu.free(grs);
    }
    [ga, gb, gout, ...(gbias ? [gbias] : [])].forEach((b) => gpu.free(b));
  }

  for (const strategy of STRATEGIES) {
    it(`${strategy}: random shapes, transposes, batches, epilogues`, async () => {
      await fc.assert(
        fc.asyncProperty(caseArb, (c) => check(strategy, c)),
        { numRuns: 30 },
      );
    });

    it(`${strategy}: all four transpose combinations × each activation at edge shapes`, async () => {
      const shapes: [number, number, number][] = [
        [1, 1, 1],
        [127, 61, 13],
        [65, 68, 33],
      ];
      for (const [m, n, k] of shapes) {
        for (const transA of [false, true]) {
          for (const transB of [false, true]) {
            for (const activation of ACTIVATIONS) {
              await check(strategy, {
                m,
                n,
                k,
                batch: 2,
                transA,
                transB,
                sharedA: false,
                sharedB: true,
                bias: true,
                activation,
                seed: m + n + k,
              });
            }
          }
        }
      }
    });
  }

  it('auto picks a strategy per shape and computes the same result', async () => {
    gpu.setMatmulStrategy('auto');
    const small: MatmulDesc = {
      batch: 1,
      m: 2,
      n: 3,
      k: 4,
      transA: false,
      transB: false,
      aBatchStride: 0,
      bBatchStride: 0,
    };
    const big: MatmulDesc = { ...small, m: 512, n: 512, k: 512 };
    expect(STRATEGIES).toContain(gpu.strategyFor(small));
    expect(STRATEGIES).toContain(gpu.strategyFor(big));
    if (gpu.cpuAdapter) expect(gpu.strategyFor(big)).toBe('blocked');
    await check('blocked', {
      m: 128,
      n: 400,
      k: 20,
      batch: 1,
      transA: false,
      transB: false,
      sharedA: false,
      sharedB: false,
      bias: true,
      activation: 'relu',
      seed: 9,
    });
    expect(() => gpu.setMatmulStrategy('fastest' as MatmulStrategy)).toThrow(/unknown matmul strategy/);
  });

  it('computes the VAE layer shapes (and their backward transposes) with every strategy', async () => {
    for (const strategy of STRATEGIES) {
      // 128×784 · 784×400 forward; 784×128ᵀ · 128×400 (weight grad); 128×400 · (784×400)ᵀ (input grad)
      await check(strategy, {
        m: 128,
        n: 400,
        k: 784,
        batch: 1,
        transA: false,
        transB: false,
        sharedA: false,
        sharedB: false,
        bias: true,
        activation: 'relu',
        seed: 1,
      });
      await check(strategy, {
        m: 784,
        n: 400,
        k: 128,
        batch: 1,
        transA: true,
        transB: false,
        sharedA: false,
        sharedB: false,
        bias: false,
        activation: 'none',
        seed: 2,
      });
      await check(strategy, {
        m: 128,
        n: 784,
        k: 400,
        batch: 1,
        transA: false,
        transB: true,
        sharedA: false,
        sharedB: false,
        bias: false,
        activation: 'none',
        seed: 3,
      });
    }
  });

  it('validates sizes', () => {
    const a = gpu.alloc(6, 'float32');
    const o = gpu.alloc(4, 'float32');
    const d: MatmulDesc = {
      batch: 1,
      m: 2,
      n: 2,
      k: 3,
      transA: false,
      transB: false,
      aBatchStride: 0,
      bBatchStride: 0,
    };
    expect(() => gpu.matmul(a, a, o, { ...d, k: 4 })).toThrow(/A holds 6 elements/);
    expect(() => gpu.matmul(a, a, gpu.alloc(3, 'float32'), d)).toThrow(/output holds 3/);
  });
});
