// Stops and resumes of the training loop leave metrics that read like one uninterrupted run:
// each epoch once, its train averages over the steps actually taken (before and after a stop),
// also when a run stops on an epoch's last step or resumes with another batch size.
import { describe, expect, it } from 'vitest';
import type { Split } from '../../src/data/split.js';
import { manualSeed } from '../../src/index.js';
import { Adam } from '../../src/nn/optim.js';
import { train, type EpochMetrics, type TrainConfig, type TrainProgress, type Terms } from '../../src/vae/train.js';
import { VAE } from '../../src/vae/vae.js';

const config: TrainConfig = {
  epochs: 2,
  batchSize: 8,
  beta: 1,
  warmupEpochs: 1,
  binarize: 'dynamic',
  seed: 3,
};

function split(n: number, offset: number): Split {
  return {
    images: Float32Array.from({ length: n * 16 }, (_, i) => (((i + offset) * 7919) % 13) / 13),
    labels: new Int32Array(n),
    count: n,
    rows: 4,
    cols: 4,
  };
}
const data = { train: split(64, 0), test: split(16, 5) };

function setup() {
  manualSeed(7);
  const model = new VAE({ inputDim: 16, hidden: [8], latent: 2, likelihood: 'bernoulli' });
  return { model, optimizer: new Adam(model.parameters(), { lr: 1e-2 }) };
}

/** Runs to the end, stopping after each listed count of steps (counted from each (re)start). */
async function runWithStops(stopsAfter: number[], batchSizes: number[] = []) {
  const { model, optimizer } = setup();
  let progress: TrainProgress | undefined;
  const steps: { epoch: number; step: number; steps: number; terms?: Terms }[] = [];
  for (let leg = 0; ; leg++) {
    let taken = 0;
    const limit = stopsAfter[leg];
    const c = { ...config, batchSize: batchSizes[leg] ?? config.batchSize };
    const r = await train(
      { model, optimizer, ...data, config: c, progress, readEvery: 1 },
      {
        onStep: (s) => {
          steps.push(s);
          taken++;
        },
        shouldStop: () => limit !== undefined && taken >= limit,
      },
    );
    progress = r.progress;
    if (!r.stopped) return { metrics: progress.metrics, steps };
  }
}

const strip = (m: EpochMetrics[]) => m.map(({ trainSeconds: _, ...rest }) => rest);

describe('metrics across stops and resumes', () => {
  it('equal those of an uninterrupted run, even when a stop falls on the last step of an epoch', async () => {
    const whole = await runWithStops([]);
    // 8 steps per epoch: stop after 3 (mid-epoch), after 5 more (the epoch's last step), after 2 more
    const broken = await runWithStops([3, 5, 2]);
    expect(broken.metrics.map((m) => m.epoch)).toEqual([1, 2]);
    const [a, b] = [strip(whole.metrics), strip(broken.metrics)];
    for (let e = 0; e < 2; e++) {
      for (const key of ['loss', 'recon', 'kl'] as const) {
        expect(b[e]!.train[key]).toBeCloseTo(a[e]!.train[key], 5);
        expect(b[e]!.test[key]).toBeCloseTo(a[e]!.test[key], 5);
      }
      expect(b[e]!.train.loss).toBeGreaterThan(1); // never the 0.00 of an epoch with no steps after a resume
    }
    expect(broken.metrics[0]!.trainSeconds).toBeGreaterThan(0);
  });

  it('a changed batch size continues the epoch where it stopped, and averages the steps taken', async () => {
    // 3 steps of 8 (24 images), then the other 40 images of epoch 1 in steps of 16: 3 more steps
    const r = await runWithStops([3], [8, 16]);
    expect(r.metrics.map((m) => m.epoch)).toEqual([1, 2]);
    const epoch1 = r.steps.filter((s) => s.epoch === 1);
    expect(epoch1.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(epoch1.slice(3).every((s) => s.steps === 6)).toBe(true);
    const mean = epoch1.reduce((sum, s) => sum + s.terms!.loss, 0) / epoch1.length;
    expect(r.metrics[0]!.train.loss).toBeCloseTo(mean, 4);
    expect(r.steps.filter((s) => s.epoch === 2)).toHaveLength(4); // 64 images in steps of 16
  });

  it('an empty split is an error that says so, not a failure inside concat', async () => {
    const { model, optimizer } = setup();
    const none = split(0, 0);
    await expect(train({ model, optimizer, train: none, test: data.test, config })).rejects.toThrow(
      /^train: the training split holds no images$/,
    );
    await expect(train({ model, optimizer, train: data.train, test: none, config })).rejects.toThrow(
      /^train: the test split holds no images/,
    );
  });
});
