// A training loop keeps binding the same buffers to each kernel, so after its first epoch it
// finds its bind groups in the cache. (When the pool handed buffers out in the order they were
// freed, a CVAE's loop made ~70 new bind groups a step; each held driver memory until a garbage
// collection — on lavapipe a memory mapping — and a 10-epoch run died at the kernel's limit of
// 65530 mappings after ~1000 steps.)
import { afterAll, describe, expect, it } from 'vitest';
import { Adam, VAE, defaultTrainConfig, manualSeed, releaseBackends, train, useBackend } from '../../src/index.js';
import type { WebGPUBackend } from '../../src/kernels/webgpu/index.js';
import { loadMnist } from '../../src/node.js';
import { currentBackend } from '../../src/tensor/backends.js';
import { getGpuBackend } from '../helpers/gpu.js';

const probe = await getGpuBackend();
probe?.destroy();

describe.skipIf(!probe)('bind groups in a training loop', () => {
  afterAll(() => releaseBackends());

  it('a CVAE trained for three epochs makes no new bind group after its first', async () => {
    await useBackend('webgpu');
    manualSeed(0);
    const cache = (currentBackend() as WebGPUBackend).runtime.bindGroups;
    const data = await loadMnist();
    const take = (s: typeof data.train, n: number) => ({
      ...s,
      images: s.images.subarray(0, n * s.rows * s.cols),
      labels: s.labels.subarray(0, n),
      count: n,
    });
    const model = new VAE({
      inputDim: 784,
      hidden: [64],
      latent: 2,
      likelihood: 'bernoulli',
      classes: 10,
      prior: 'learned',
    });
    const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
    const misses: number[] = [];
    let before = cache.misses;
    const config = { ...defaultTrainConfig('cvae'), epochs: 3, batchSize: 64 };
    await train(
      { model, optimizer, train: take(data.train, 4096), test: take(data.test, 512), config },
      {
        onEpoch() {
          misses.push(cache.misses - before);
          before = cache.misses;
        },
      },
    );
    expect(misses).toHaveLength(3);
    expect(misses[1]).toBe(0); // measured: none after the first epoch (~70 a step before)
    expect(misses[2]).toBe(0);
    model.dispose();
    optimizer.dispose();
  }, 120_000);
});
