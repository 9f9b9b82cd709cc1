// The fast CPU matmul (WebAssembly SIMD) against the reference loop: every transpose pair,
// batches with shared (stride 0) matrices, the bias + activation epilogue, sizes that are not
// multiples of the 4×8 tile, size 1, and sizes past the M, N and K blocks (256, 1024, 512).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Activation, Buf, MatmulDesc } from '../../src/kernels/backend.js';
import { CpuBackend } from '../../src/kernels/cpu/cpu-backend.js';
import { asCpu } from '../../src/kernels/cpu/cpu-buffer.js';
import { FastCpuBackend } from '../../src/kernels/cpu-fast/fast-cpu-backend.js';
import { WasmGemm } from '../../src/kernels/cpu-fast/wasm-gemm.js';
import { WasmRuntime } from '../../src/kernels/cpu-fast/wasm-runtime.js';
import { expectBitEqual, expectClose, randomArray } from '../helpers/gpu.js';

const ACTIVATIONS: Activation[] = ['none', 'relu', 'sigmoid', 'tanh'];
const fast = new FastCpuBackend();
const ref = new CpuBackend();
const data = (b: Buf) => asCpu(b).data;

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

function check(c: Case): void {
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
  const run = (be: CpuBackend, a: Float32Array, b: Float32Array, bias: Float32Array | null, act: Activation) => {
    const out = be.alloc(outSize, 'float32');
    be.fill(out, NaN); // unwritten elements show
    be.matmul(be.upload(a, 'float32'), be.upload(b, 'float32'), out, {
      ...desc,
      activation: act,
      bias: bias ? be.upload(bias, 'float32') : undefined,
    });
    return out;
  };
  const got = run(fast, aData, bData, c.bias ? biasData : null, c.activation);
  const want = run(ref, aData, bData, c.bias ? biasData : null, c.activation);
  if (c.batch === 1) {
    // the second output a Linear layer's bias gradient uses: op(A)'s row sums, float64 in order
    const [gotSums, wantSums] = [fast, ref].map((be) => {
      const rowSums = be.alloc(c.m, 'float32');
      be.matmul(be.upload(aData, 'float32'), be.upload(bData, 'float32'), be.alloc(outSize, 'float32'), {
        ...desc,
        rowSums,
      });
      return data(rowSums);
    });
    expectBitEqual(gotSums!, wantSums!, `rowSums ${JSON.stringify(c)}`);
  }
  // error bound: float32 accumulation of K products, relative to Σ|a||b| (+|bias|)
  const abs = (x: Float32Array) => x.map(Math.abs);
  const scale = run(ref, abs(aData), abs(bData), c.bias ? abs(biasData) : null, 'none');
  const tol = Array.from(data(scale), (v) => 1e-7 + (c.k + 2) * 2 ** -23 * v);
  expectClose(data(got), data(want), { tol, what: JSON.stringify(c) });
}

const dim = fc.oneof(fc.integer({ min: 1, max: 13 }), fc.constantFrom(4, 8, 16, 20, 31, 33, 64, 65));
const caseArb: fc.Arbitrary<Case> = fc.record({
  m: dim,
  n: dim,
  k: fc.oneof(fc.integer({ min: 1, max: 13 }), fc.constantFrom(16, 33, 128, 511, 512, 513, 1100)),
  batch: fc.constantFrom(1, 1, 2, 3),
  transA: fc.boolean(),
  transB: fc.boolean(),
  sharedA: fc.boolean(),
  sharedB: fc.boolean(),
  bias: fc.boolean(),
  activation: fc.constantFrom(...ACTIVATIONS),
  seed: fc.integer({ min: 1, max: 1e9 }),
});

describe('fast CPU matmul = reference', () => {
  it('runs on WebAssembly SIMD here (Node 20 has it)', () => {
    expect(fast.simd).toBe(true);
    expect(fast.description).toMatch(/WebAssembly SIMD/);
  });

  it('random shapes, transposes, batches, epilogues', () => {
    fc.assert(fc.property(caseArb, check), { numRuns: 150 });
  });

  it('all four transpose combinations × each activation at edge shapes', () => {
    for (const [m, n, k] of [
      [1, 1, 1],
      [5, 9, 3],
      [127, 61, 13],
      [4, 8, 600],
    ] as const) {
      for (const transA of [false, true])
        for (const transB of [false, true])
          for (const activation of ACTIVATIONS) {
            check({
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
              seed: m + k,
            });
          }
    }
  });

  it('crosses the block edges of M (256), N (1024) and K (512), each transpose pair', () => {
    const shapes: [number, number, number, Activation][] = [
      [257, 1025, 5, 'relu'],
      [520, 9, 513, 'sigmoid'],
      [3, 1100, 1030, 'none'],
    ];
    for (const [m, n, k, activation] of shapes) {
      for (const transA of [false, true])
        for (const transB of [false, true])
          check({ m, n, k, batch: 2, transA, transB, sharedA: false, sharedB: true, bias: true, activation, seed: m });
    }
  });

  it("overlapping batch strides: batch 1 of B starts where batch 0's second N-block does", () => {
    const [m, n, k] = [5, 1030, 3];
    const desc: MatmulDesc = {
      batch: 2,
      m,
      n,
      k,
      transA: false,
      transB: false,
      aBatchStride: m * k,
      bBatchStride: 1024,
    };
    const aData = randomArray(2 * m * k, 5),
      bData = randomArray(1024 + k * n, 6);
    const [got, want] = [fast, ref].map((be) => {
      const out = be.alloc(2 * m * n, 'float32');
      be.matmul(be.upload(aData, 'float32'), be.upload(bData, 'float32'), out, desc);
      return data(out);
    });
    expectClose(got!, want!, { rtol: 1e-5, atol: 1e-6 });
  });

  it('keeps its WebAssembly scratch memory bounded (blocks, not whole operands)', () => {
    const rt = new WasmRuntime();
    const gemm = new WasmGemm(rt);
    const [m, n, k] = [700, 1500, 1300];
    const a = randomArray(m * k, 1),
      b = randomArray(k * n, 2);
    const out = new Float32Array(m * n);
    gemm.matmul(
      a,
      b,
      out,
      { batch: 1, m, n, k, transA: false, transB: false, aBatchStride: 0, bBatchStride: 0 },
      undefined,
      'none',
    );
    // whole operands would take (m·k + k·n + m·n)·4 bytes ≈ 15 MB
    expect(rt.scratchBytes).toBeLessThanOrEqual(4 * 2 ** 20);
    let want = 0;
    for (let p = 0; p < k; p++) want += a[699 * k + p]! * b[p * n + 1499]!;
    expect(out[m * n - 1]).toBeCloseTo(want, 3);
  });

  it('propagates NaN, infinities and -0 through the bias + activation epilogue as the reference does', () => {
    const a = Float32Array.from([1, NaN, 2, 3, Infinity, 1, 0, 0, 0]);
    const b = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const bias = Float32Array.from([-0, -1]);
    const desc: MatmulDesc = {
      batch: 1,
      m: 3,
      n: 2,
      k: 3,
      transA: false,
      transB: false,
      aBatchStride: 0,
      bBatchStride: 0,
    };
    for (const activation of ACTIVATIONS) {
      for (const withBias of [false, true]) {
        const [got, want] = [fast, ref].map((be) => {
          const o = be.alloc(6, 'float32');
          const biasBuf = withBias ? be.upload(bias, 'float32') : undefined;
          be.matmul(be.upload(a, 'float32'), be.upload(b, 'float32'), o, { ...desc, activation, bias: biasBuf });
          return data(o);
        });
        expectBitEqual(got!, want!, `${activation}${withBias ? ' + bias' : ''}`);
      }
    }
  });

  it('float64 runs the reference loop (bit for bit)', () => {
    const a = Float64Array.from(randomArray(6 * 7, 3)),
      b = Float64Array.from(randomArray(7 * 5, 4));
    const desc: MatmulDesc = {
      batch: 1,
      m: 6,
      n: 5,
      k: 7,
      transA: false,
      transB: true,
      aBatchStride: 0,
      bBatchStride: 0,
    };
    const [got, want] = [fast, ref].map((be) => {
      const o = be.alloc(30, 'float64');
      be.matmul(be.upload(a, 'float64'), be.upload(b, 'float64'), o, desc);
      return data(o);
    });
    expect(got).toEqual(want);
  });
});
