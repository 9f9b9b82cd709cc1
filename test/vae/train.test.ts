import { describe, expect, it } from 'vitest';
import { klWeight, checkTrainConfig, train, TrainingDivergedError, type TrainConfig } from '../../src/vae/train.js';
import { VAE } from '../../src/vae/vae.js';
import { Adam } from '../../src/nn/optim.js';
import { manualSeed, memoryStats } from '../../src/index.js';
import type { Split } from '../../src/data/split.js';
import { epochOrder } from '../../src/data/batches.js';

const config: TrainConfig = { epochs: 2, batchSize: 8, beta: 1, warmupEpochs: 0, binarize: 'none', seed: 0 };

function split(n: number, fill: (i: number) => number): Split {
  return {
    images: Float32Array.from({ length: n * 16 }, (_, i) => fill(i)),
    labels: new Int32Array(n),
    count: n,
    rows: 4,
    cols: 4,
  };
}

describe('training loop', () => {
  it('KL warm-up rises linearly to beta over the warm-up epochs', () => {
    const c = { ...config, beta: 0.5, warmupEpochs: 2 };
    expect(klWeight(c, 0, 10)).toBeCloseTo(0.5 / 20);
    expect(klWeight(c, 9, 10)).toBeCloseTo(0.25);
    expect(klWeight(c, 19, 10)).toBeCloseTo(0.5);
    expect(klWeight(c, 500, 10)).toBe(0.5);
    expect(klWeight(config, 0, 10)).toBe(1);
  });

  it('holds no tensor from one epoch to the next (the losses read back in batches are freed)', async () => {
    manualSeed(2);
    const model = new VAE({ inputDim: 16, hidden: [8], latent: 2, likelihood: 'bernoulli' });
    const optimizer = new Adam(model.parameters(), { lr: 1e-2 });
    const data = split(64, (i) => ((i * 7919) % 13) / 13);
    const live: number[] = [];
    await train(
      {
        model,
        optimizer,
        train: data,
        test: split(16, (i) => (i % 5) / 5),
        config: { ...config, epochs: 4 },
        readEvery: 3,
      },
      { onEpoch: () => void live.push(memoryStats().tensors) },
    );
    expect(live).toHaveLength(4);
    expect(new Set(live.slice(1)).size).toBe(1); // flat after the first epoch (Adam's moments exist by then)
    model.dispose();
    optimizer.dispose();
  });

  it('rejects bad settings', () => {
    expect(() => checkTrainConfig({ ...config, epochs: 0 })).toThrow(/epochs must be a positive integer/);
  });

  it('lowers the loss, reports every epoch, and names epoch and step when the loss becomes NaN', async () => {
    manualSeed(1);
    const model = new VAE({ inputDim: 16, hidden: [8], latent: 2, likelihood: 'bernoulli' });
    const optimizer = new Adam(model.parameters(), { lr: 1e-2 });
    const data = split(64, (i) => ((i * 7919) % 13) / 13);
    const epochs: number[] = [];
    const { progress } = await train(
      { model, optimizer, train: data, test: split(16, (i) => (i % 5) / 5), config },
      { onEpoch: (m) => void epochs.push(m.test.loss) },
    );
    expect(progress.metrics).toHaveLength(2);
    expect(epochs[1]).toBeLessThan(epochs[0]!);

    const bad = split(64, (i) => (i === 16 * 40 ? NaN : 0.5)); // one NaN pixel in image 40
    const err = await train({ model, optimizer, train: bad, test: data, config: { ...config, epochs: 1 } }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TrainingDivergedError);
    expect((err as TrainingDivergedError).epoch).toBe(1);
    // the step whose batch holds image 40 in epoch 1's shuffled order
    const order = Array.from(epochOrder(64, { shuffle: true, seed: config.seed, epoch: 1 }));
    expect((err as TrainingDivergedError).step).toBe(Math.floor(order.indexOf(40) / 8) + 1);
    expect((err as Error).message).toMatch(/training diverged: the loss became NaN at epoch 1, step \d/);
  });
});
