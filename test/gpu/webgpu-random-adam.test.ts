// WebGPU random (Philox: uniforms bit-identical to the CPU, normals within float tolerance),
// the fused Adam step, and fill, vs the CPU reference.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { AdamDesc, RandomDesc } from '../../src/kernels/backend.js';
import { bitsToUniform, philox4x32 } from '../../src/kernels/philox.js';
import { describeWebGPU, expectBitEqual, expectClose, poisoned, randomArray } from '../helpers/gpu.js';

const u32 = fc.integer({ min: 0, max: 0xffffffff });

await describeWebGPU('webgpu random, adam, fill', (gpu, cpu) => {
  it('uniforms are bit-identical to the CPU and normals agree to float32 precision', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5000 }), u32, u32, u32, u32, async (n, k0, k1, s0, s1) => {
        for (const dist of ['uniform', 'normal'] as const) {
          const desc: RandomDesc = { seed: [k0, k1], stream: [s0, s1], dist };
          const g = poisoned(gpu, n);
          gpu.random(g, desc);
          const c = cpu.alloc(n, 'float32');
          cpu.random(c, desc);
          const got = await gpu.read(g),
            want = await cpu.read(c);
          if (dist === 'uniform') {
            expectBitEqual(got, want, 'uniform');
            expect(got.every((v) => v > 0 && v < 1)).toBe(true);
          } else {
            // Box–Muller in f32, sqrt(-2 log u1) cos(2π u2): for u1 near 1, f32 log(u1) keeps only
            // a few correct digits, so tiny normals are off by up to ~3e-5 absolute (measured
            // over 2^20 draws); large ones agree to ~1e-6 relative
            expectClose(got, want, { rtol: 1e-5, atol: 5e-5, what: 'normal' });
          }
          gpu.free(g);
        }
      }),
      { numRuns: 12 },
    );
  });

  it('normals have mean ≈ 0 and variance ≈ 1', async () => {
    const n = 100_000;
    const g = gpu.alloc(n, 'float32');
    gpu.random(g, { seed: [42, 0], stream: [7, 0], dist: 'normal' });
    const x = (await gpu.read(g)) as Float32Array;
    const mean = x.reduce((a, b) => a + b, 0) / n;
    const variance = x.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1)).toBeLessThan(0.02);
  });

  it('splits launches beyond 65535 workgroups over a 2-D grid (64 elements per workgroup)', async () => {
    const n = 65535 * 64 + 1000; // 65,551 workgroups: the last 16 sit in the grid's second row
    const g = poisoned(gpu, n);
    gpu.random(g, { seed: [9, 8], stream: [7, 6], dist: 'uniform' });
    const got = await gpu.read(g);
    for (const i of [0, 65535 * 64 - 1, 65535 * 64, n - 1])
      expect(got[i]).toBe(Math.fround(bitsToUniform(philox4x32(i, 7, 6, 0, 9, 8)[0])));
    expect(got.every((v) => v > 0 && v < 1)).toBe(true);
    gpu.free(g);
  });

  it('adam matches the CPU step over several iterations', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: 1, max: 1e9 }),
        fc.boolean(),
        async (n, seed, decay) => {
          const d0 = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: decay ? 0.01 : 0 };
          const p = randomArray(n, seed),
            m = new Float32Array(n),
            v = new Float32Array(n);
          const gp = gpu.upload(p, 'float32'),
            gm = gpu.upload(m, 'float32'),
            gv = gpu.upload(v, 'float32');
          const cp = cpu.upload(p, 'float32'),
            cm = cpu.upload(m, 'float32'),
            cv = cpu.upload(v, 'float32');
          for (let t = 1; t <= 3; t++) {
            const grad = randomArray(n, seed + t, -3, 3);
            const desc: AdamDesc = { ...d0, bias1: 1 - d0.beta1 ** t, bias2: 1 - d0.beta2 ** t };
            const gg = gpu.upload(grad, 'float32');
            gpu.adam(gp, gg, gm, gv, desc);
            cpu.adam(cp, cpu.upload(grad, 'float32'), cm, cv, desc);
            gpu.free(gg);
          }
          expectClose(await gpu.read(gm), await cpu.read(cm), { rtol: 1e-5, atol: 1e-7, what: 'm' });
          expectClose(await gpu.read(gv), await cpu.read(cv), { rtol: 1e-5, atol: 1e-7, what: 'v' });
          expectClose(await gpu.read(gp), await cpu.read(cp), { rtol: 1e-5, atol: 1e-6, what: 'param' });
          [gp, gm, gv].forEach((b) => gpu.free(b));
        },
      ),
      { numRuns: 10 },
    );
  });

  it('adam rejects aliased or mismatched buffers', () => {
    const a = gpu.alloc(8, 'float32'),
      b = gpu.alloc(8, 'float32'),
      c = gpu.alloc(8, 'float32'),
      d = gpu.alloc(9, 'float32');
    const desc: AdamDesc = { lr: 1, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0, bias1: 0.1, bias2: 0.01 };
    expect(() => gpu.adam(a, a, b, c, desc)).toThrow(/different buffers/);
    expect(() => gpu.adam(a, b, c, d, desc)).toThrow(/sizes differ/);
  });

  it('fill writes float32 and int32 values to every element (sizes 1 to 4k+3)', async () => {
    for (const n of [1, 2, 3, 4, 5, 1027]) {
      const f = gpu.alloc(n, 'float32');
      gpu.fill(f, -0.1);
      expectBitEqual(await gpu.read(f), new Float32Array(n).fill(-0.1), 'float fill');
      const i = gpu.alloc(n, 'int32');
      gpu.fill(i, -7);
      const got = await gpu.read(i);
      expect(got).toBeInstanceOf(Int32Array);
      expect(Array.from(got)).toEqual(Array<number>(n).fill(-7));
      for (const v of [NaN, Infinity, -Infinity]) {
        gpu.fill(f, v);
        expect(Array.from(await gpu.read(f))).toEqual(Array<number>(n).fill(v));
      }
    }
  });
});
