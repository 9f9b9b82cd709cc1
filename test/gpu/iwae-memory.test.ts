// `vae eval --k` on WebGPU: the importance-weighted estimate runs in fixed-size chunks of
// samples, so the device memory it needs does not grow with k (it once grew until the process
// died), and it reports its progress chunk by chunk.
import { expect, it } from 'vitest';
import { manualSeed, memoryStats, tensor } from '../../src/index.js';
import { withDefaults } from '../../src/tensor/backends.js';
import { importanceWeightedLogLikelihood } from '../../src/vae/evaluate.js';
import { VAE } from '../../src/vae/vae.js';
import { describeWebGPU } from '../helpers/gpu.js';

await describeWebGPU('importance-weighted log-likelihood memory', (gpu) => {
  it('needs the same device memory at k = 2 chunks and k = 24 chunks, and reports every chunk', async () => {
    manualSeed(0);
    const model = withDefaults(
      gpu,
      'float32',
      () => new VAE({ inputDim: 64, hidden: [32], latent: 4, likelihood: 'bernoulli' }),
    );
    const x = tensor(
      Float32Array.from({ length: 8 * 64 }, (_, i) => (i % 7) / 7),
      [8, 64],
      { backend: gpu },
    );
    const chunk = 16;
    const run = async (k: number) => {
      const seen: number[] = [];
      const ll = importanceWeightedLogLikelihood(model, x, k, { chunk, onChunk: (done) => seen.push(done) });
      const values = Array.from(await ll.data());
      ll.dispose();
      return { values, seen, device: gpu.stats().deviceBytes, live: memoryStats().tensors };
    };
    const warm = await run(2 * chunk); // compiles the pipelines and fills the pool once
    const small = await run(2 * chunk);
    const large = await run(24 * chunk);
    expect(small.seen).toEqual([16, 32]);
    expect(large.seen).toHaveLength(24);
    expect(large.seen.at(-1)).toBe(24 * chunk);
    // 12x the samples, (almost) nothing new allocated: at most a few small buffers of other size classes
    expect(large.device - small.device).toBeLessThan(0.02 * small.device);
    expect(large.live).toBe(warm.live); // no tensor left behind
    // more samples: a bound at least as tight, on average (same model, same images)
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(large.values)).toBeGreaterThan(mean(small.values) - 1);
    expect(large.values.every(Number.isFinite)).toBe(true);
  });
});
