// Matmul autotuning: every candidate configuration computes the same bits as the default (one
// fma chain along K per output, whatever the blocking), row sums included, and matches the CPU; the choice logic on
// given timings; a real tuning run fills the table with a known candidate; the cache file
// round-trips per adapter and a corrupt one is named. Nothing here depends on which is fastest.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { MatmulDesc } from '../../src/kernels/backend.js';
import { configName } from '../../src/kernels/webgpu/kernels/matmul/blocked.js';
import {
  BLOCKED_CANDIDATES,
  candidateNamed,
  candidatesFor,
  fastest,
  shapeKey,
} from '../../src/kernels/webgpu/kernels/matmul/tune.js';
import { loadMatmulTuning, saveMatmulTuning } from '../../src/kernels/webgpu/tuning-file.js';
import { describeWebGPU, expectBitEqual, expectClose, randomArray } from '../helpers/gpu.js';

// four variants (each candidate compiles once per variant, ~1 s each on a CPU driver): the
// forward's A·Wᵀ with vec4-friendly sizes, Aᵀ·B with odd ones (scalar loads, edge clamping),
// Aᵀ·B with vec4 loads of both (a weight gradient's shape), and A·B (an input gradient's)
const caseArb = fc.oneof(
  fc.record({
    m: fc.constantFrom(4, 20, 64, 132),
    n: fc.constantFrom(4, 20, 68),
    k: fc.constantFrom(4, 36, 200),
    t: fc.constant([false, true]),
  }),
  fc.record({
    m: fc.constantFrom(1, 7, 65),
    n: fc.constantFrom(1, 13, 33),
    k: fc.constantFrom(1, 9, 130),
    t: fc.constant([true, false]),
  }),
  fc.record({
    m: fc.constantFrom(4, 28, 132),
    n: fc.constantFrom(4, 20, 68),
    k: fc.constantFrom(1, 9, 130),
    t: fc.constant([true, false]),
  }),
  fc.record({
    m: fc.constantFrom(3, 64, 131),
    n: fc.constantFrom(5, 16, 36),
    k: fc.constantFrom(1, 17, 100),
    t: fc.constant([false, false]),
  }),
);

it('picks the candidate with the smallest median time (ties: the first)', () => {
  expect(fastest({ a: [3, 1, 2], b: [1.5, 1.5, 9], c: [2, 2, 2] })).toBe('b');
  expect(fastest({ a: [1], b: [1] })).toBe('a');
  expect(() => fastest({})).toThrow(/no candidate/);
  expect(candidateNamed(configName(BLOCKED_CANDIDATES[2]!))).toEqual(BLOCKED_CANDIDATES[2]);
  expect(candidateNamed('r99q1w1x1')).toBeUndefined();
});

it('offers the subgroup candidate only with subgroups of its lane count', () => {
  const shared = BLOCKED_CANDIDATES.filter((c) => c.shareB);
  expect(shared.length).toBeGreaterThan(0);
  for (const size of [null, 4, 16, 32]) expect(candidatesFor(size).some((c) => c.shareB)).toBe(false);
  expect(candidatesFor(8)).toEqual(BLOCKED_CANDIDATES);
  expect(shared.map(configName)).toContain('r16q4w1x8s');
});

it('the cache file keeps one table per adapter and names a corrupt file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vae-tune-'));
  const file = join(dir, 'sub', 'matmul-tuning.json');
  expect(loadMatmulTuning('adapter A', file)).toEqual({});
  saveMatmulTuning('adapter A', { 'NT 1×128×400×784': 'r8q4w8x8' }, file);
  saveMatmulTuning('adapter B', { 'NN 1×2×3×4': 'r4q4w8x8' }, file);
  saveMatmulTuning('adapter A', { 'TN 1×784×400×128': 'r8q2w8x8' }, file);
  expect(loadMatmulTuning('adapter A', file)).toEqual({
    'NT 1×128×400×784': 'r8q4w8x8',
    'TN 1×784×400×128': 'r8q2w8x8',
  });
  expect(loadMatmulTuning('adapter B', file)).toEqual({ 'NN 1×2×3×4': 'r4q4w8x8' });
  writeFileSync(file, '{"adapter A": ');
  expect(() => loadMatmulTuning('adapter A', file)).toThrow(/matmul-tuning.json is not valid JSON/);
});

await describeWebGPU('webgpu matmul autotuning', (gpu, cpu) => {
  it("every candidate computes the default configuration's bits, and the CPU result", async () => {
    // lavapipe has subgroups of 8 lanes: the subgroup candidate must be among those checked here
    expect(gpu.matmulCandidates.some((c) => c.shareB)).toBe(gpu.adapter?.subgroupSize === 8);
    await fc.assert(
      fc.asyncProperty(caseArb, fc.integer({ min: 1, max: 1e9 }), async ({ m, n, k, t: [tA, tB] }, seed) => {
        const d: MatmulDesc = {
          batch: 1,
          m,
          n,
          k,
          transA: tA,
          transB: tB,
          aBatchStride: 0,
          bBatchStride: 0,
          activation: 'relu',
        };
        const [aData, bData, biasData] = [
          randomArray(m * k, seed),
          randomArray(k * n, seed + 1),
          randomArray(n, seed + 2),
        ];
        const [a, b, bias] = [aData, bData, biasData].map((x) => gpu.upload(x, 'float32'));
        gpu.setMatmulStrategy('blocked');
        // the output and op(A)'s row sums (the epilogue a Linear layer's backward uses)
        const outs = [null, ...gpu.matmulCandidates].map((c) => {
          gpu.forcedConfig = c;
          const [o, rs] = [gpu.alloc(m * n, 'float32'), gpu.alloc(m, 'float32')];
          [o, rs].forEach((x) => gpu.fill(x, Number.NaN));
          gpu.matmul(a!, b!, o, { ...d, bias: bias!, rowSums: rs });
          return [o, rs] as const;
        });
        gpu.forcedConfig = null;
        gpu.setMatmulStrategy('auto');
        const [want, wantSums] = [await gpu.read(outs[0]![0]), await gpu.read(outs[0]![1])];
        for (const [i, [o, rs]] of outs.entries()) {
          expectBitEqual(await gpu.read(o), want, `candidate ${i} ${JSON.stringify(d)}`);
          expectBitEqual(await gpu.read(rs), wantSums, `candidate ${i} row sums ${JSON.stringify(d)}`);
        }
        const [co, crs] = [cpu.alloc(m * n, 'float32'), cpu.alloc(m, 'float32')];
        cpu.matmul(cpu.upload(aData, 'float32'), cpu.upload(bData, 'float32'), co, {
          ...d,
          bias: cpu.upload(biasData, 'float32'),
          rowSums: crs,
        });
        expectClose(want, await cpu.read(co), { rtol: 1e-4, atol: 1e-4 * Math.sqrt(k), what: JSON.stringify(d) });
        expectClose(wantSums, await cpu.read(crs), {
          rtol: 1e-4,
          atol: 1e-4 * Math.sqrt(k),
          what: `row sums ${JSON.stringify(d)}`,
        });
        [a!, b!, bias!, ...outs.flat()].forEach((x) => gpu.free(x!));
      }),
      { numRuns: 10 },
    );
  }, 300_000);

  it('a tuning run records a known candidate for each shape, and is applied', async () => {
    const d: MatmulDesc = {
      batch: 1,
      m: 64,
      n: 96,
      k: 200,
      transA: false,
      transB: true,
      aBatchStride: 0,
      bBatchStride: 0,
    };
    const before = gpu.getMatmulTuning();
    const [r] = await gpu.tuneMatmul([d], 1);
    expect(r!.key).toBe(shapeKey(d));
    expect(r!.candidates.map((c) => c.config)).toEqual(gpu.matmulCandidates.map(configName));
    expect(candidateNamed(gpu.getMatmulTuning()[shapeKey(d)]!)).toBeDefined();
    gpu.setMatmulTuning(before);
  }, 300_000);
});
