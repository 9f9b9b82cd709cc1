// Which CPU backend is which: 'cpu' is the fast one (float64, thus gradcheck, on the reference's
// loops), 'cpu-reference' the plain loops the kernel tests use; seeded training agrees on both.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { backendInfo, gradcheck, manualSeed, rand, tidy, useBackend, type Backend } from '../../src/index.js';
import { CpuBackend } from '../../src/kernels/cpu/cpu-backend.js';
import { FastCpuBackend } from '../../src/kernels/cpu-fast/fast-cpu-backend.js';
import { WasmGemm } from '../../src/kernels/cpu-fast/wasm-gemm.js';
import { Adam } from '../../src/nn/optim.js';
import { cpuBackend, currentBackend, referenceBackend, withDefaults } from '../../src/tensor/backends.js';
import { VAE } from '../../src/vae/vae.js';

afterEach(async () => {
  vi.restoreAllMocks();
  await useBackend('cpu');
});

describe('CPU backends', () => {
  it("'cpu' is the fast backend and the default; 'cpu-reference' the plain loops", async () => {
    expect(currentBackend()).toBe(cpuBackend());
    expect(cpuBackend()).toBeInstanceOf(FastCpuBackend);
    expect(backendInfo()).toMatchObject({
      name: 'cpu',
      description: 'CPU (WebAssembly SIMD matmul and Adam, JavaScript loops)',
    });
    await useBackend('cpu-reference');
    expect(currentBackend()).toBe(referenceBackend());
    expect(referenceBackend()).not.toBeInstanceOf(FastCpuBackend);
    expect(referenceBackend()).toBeInstanceOf(CpuBackend);
    expect(backendInfo()).toEqual({
      name: 'cpu',
      description: 'CPU reference kernels (JavaScript loops)',
      reason: "asked for 'cpu-reference'",
    });
  });

  it("gradcheck's float64 runs on the reference's plain loops, never the float32 fast kernels", async () => {
    const plainMatmul = vi.spyOn(CpuBackend.prototype, 'matmul');
    const plainMap = vi.spyOn(CpuBackend.prototype, 'map');
    const wasmMatmul = vi.spyOn(WasmGemm.prototype, 'matmul');
    const w = rand([3, 4]);
    await gradcheck((a) => a.matmul(a.transpose()).relu().sum(), [w]);
    expect(plainMatmul).toHaveBeenCalled();
    expect(plainMap).toHaveBeenCalled();
    expect(wasmMatmul).not.toHaveBeenCalled();
    // and float32 on the same backend does use the fast matmul
    rand([3, 4]).matmul(rand([4, 2]));
    expect(wasmMatmul).toHaveBeenCalledTimes(1);
  });

  async function seededLosses(backend: Backend, steps: number, batch: number): Promise<number[]> {
    return withDefaults(backend, 'float32', async () => {
      manualSeed(3);
      const model = new VAE({ inputDim: 784, hidden: [400], latent: 20, likelihood: 'bernoulli' });
      const opt = new Adam(model.parameters(), { lr: 1e-3 });
      const x = rand([batch, 784]);
      const losses: number[] = [];
      for (let i = 0; i < steps; i++) {
        const loss = tidy(() => {
          opt.zeroGrad();
          const { loss } = model.elbo(x);
          loss.backward();
          opt.step();
          return loss;
        });
        expect(loss.backend).toBe(backend);
        losses.push(await loss.item());
        loss.dispose();
      }
      model.dispose();
      opt.dispose();
      x.dispose();
      return losses;
    });
  }

  it('seeded VAE training (784-400-20) follows the same losses on the fast backend as on the reference', async () => {
    const want = await seededLosses(referenceBackend(), 4, 32);
    const got = await seededLosses(cpuBackend(), 4, 32);
    expect(want[3]).toBeLessThan(want[0]!);
    got.forEach((l, i) => expect(Math.abs(l - want[i]!)).toBeLessThan(1e-5 * Math.abs(want[i]!)));
  });
});
