// Training on the GPU: memory stays flat over a long loop, and seeded VAE steps follow the
// same path on the GPU as on the CPU.
import { expect, it } from 'vitest';
import { manualSeed, memoryStats, rand, tensor, tidy, type Backend } from '../../src/index.js';
import { referenceBackend, withDefaults } from '../../src/tensor/backends.js';
import { Adam } from '../../src/nn/optim.js';
import { MLP } from '../../src/nn/mlp.js';
import { VAE } from '../../src/vae/vae.js';
import { CVAE } from '../../src/vae/cvae.js';
import { describeWebGPU } from '../helpers/gpu.js';

await describeWebGPU('training on WebGPU', (gpu) => {
  it('500 forward + backward + Adam steps keep live tensors, buffers and bytes flat', async () => {
    await withDefaults(gpu, 'float32', async () => {
      manualSeed(0);
      const net = new MLP([32, 64, 8], 'relu');
      const opt = new Adam(net.parameters(), { lr: 1e-3 });
      const x = rand([16, 32]);
      const target = rand([16, 8]);
      const step = () =>
        tidy(() => {
          opt.zeroGrad();
          const loss = net.forward(x).sub(target).square().mean();
          loss.backward();
          opt.step();
          return loss;
        });
      for (let i = 0; i < 10; i++) step().dispose();
      await step().data();
      const before = memoryStats();
      const poolBefore = gpu.stats();
      let last = 0;
      for (let i = 0; i < 500; i++) {
        const loss = step();
        expect(loss.backend).toBe(gpu);
        if (i % 100 === 99) last = await loss.item();
        loss.dispose();
      }
      expect(memoryStats()).toEqual(before);
      expect(gpu.stats().bytes).toBe(poolBefore.bytes);
      expect(Number.isFinite(last)).toBe(true);
    });
  });

  async function seededLosses(backend: Backend, conditional: boolean): Promise<number[]> {
    return withDefaults(backend, 'float32', async () => {
      manualSeed(7);
      const config = { inputDim: 64, hidden: [32], latent: 4, likelihood: 'bernoulli' as const };
      const model = conditional ? new CVAE({ ...config, classes: 10, prior: 'learned' }) : new VAE(config);
      const opt = new Adam(model.parameters(), { lr: 3e-3 });
      const x = rand([24, 64]);
      const y = conditional
        ? tensor(
            Int32Array.from({ length: 24 }, (_, i) => i % 10),
            [24],
            { dtype: 'int32' },
          )
        : undefined;
      const losses: number[] = [];
      for (let i = 0; i < 20; i++) {
        const loss = tidy(() => {
          opt.zeroGrad();
          const e = model.elbo(x, { y, beta: 0.9 });
          e.loss.backward();
          opt.step();
          return e.loss;
        });
        expect(loss.backend).toBe(backend); // ops follow their inputs' backend, even after an await
        losses.push(await loss.item());
        loss.dispose();
      }
      model.dispose();
      opt.dispose();
      return losses;
    });
  }

  for (const conditional of [false, true]) {
    it(`the same seeded ${conditional ? 'CVAE' : 'VAE'} steps give the same losses on CPU and WebGPU`, async () => {
      const cpu = await seededLosses(referenceBackend(), conditional);
      const gpuLosses = await seededLosses(gpu, conditional);
      expect(cpu[19]).toBeLessThan(cpu[0]!);
      gpuLosses.forEach((l, i) => expect(Math.abs(l - cpu[i]!)).toBeLessThan(1e-3 * Math.abs(cpu[i]!)));
    });
  }
});
