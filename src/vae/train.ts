// The training loop, usable from the library and the CLI. One step enqueues forward, backward
// and the Adam update with no readback; the per-step terms are read back in windows, which is
// also where a NaN loss is caught and named by epoch and step.
import { noGrad } from '../autograd/grad-mode.js';
import { batches, batchCount, type Batch } from '../data/batches.js';
import { binarizeDynamic, binarizeStatic } from '../data/binarize.js';
import { createRng, mixSeed } from '../data/rng.js';
import { pixelsPerImage, type Split } from '../data/split.js';
import type { Adam } from '../nn/optim.js';
import { tensor } from '../tensor/creation.js';
import { concat } from '../tensor/ops/views.js';
import type { Tensor } from '../tensor/tensor.js';
import { tidy } from '../tensor/tidy.js';
import { activeUnits } from './evaluate.js';
import type { VAE } from './vae.js';

/**
 * How the training images are binarized: 'none' (grey levels as Bernoulli targets), 'static'
 * (thresholded at 0.5 once) or 'dynamic' (each pixel redrawn as a Bernoulli of its grey level every
 * epoch; the test set drawn once, seeded).
 */
export type Binarize = 'none' | 'static' | 'dynamic';

/**
 * The settings of a training run. The learning rate is not here: it belongs to the optimizer
 * (`TrainRun.optimizer.lr`), which is its one home — set it there (also mid-run), and it is saved
 * with the optimizer's state, so a resumed run continues at the rate it stopped at.
 */
export interface TrainConfig {
  /** Passes over the training set. */
  epochs: number;
  /** Images per step. */
  batchSize: number;
  /** Weight of the KL term (1 = the ELBO). */
  beta: number;
  /** Epochs over which the KL weight rises linearly from 0 to beta (0 = no warm-up). */
  warmupEpochs: number;
  /** How the images are binarized (see {@link Binarize}). */
  binarize: Binarize;
  /** Seeds the shuffle and the binarization (`vae train` also seeds the tensors' generator with it: manualSeed). */
  seed: number;
}

/** The negative ELBO and its two terms, in nats per image. */
export interface Terms {
  /** recon + beta · kl. */
  loss: number;
  /** The reconstruction term, -log P(x|z). */
  recon: number;
  /** The KL term, KL(Q(z|x) || P(z)). */
  kl: number;
}

/** One epoch's numbers, as `vae train` writes them to metrics.json. */
export interface EpochMetrics {
  /** The epoch, from 1. */
  epoch: number;
  /** The training terms, averaged over the epoch's steps. */
  train: Terms;
  /** The test terms (one z per image). */
  test: Terms;
  /** Latent units whose posterior mean varies across the test set (variance > 0.01). */
  activeUnits: number;
  /** Training time of the epoch, evaluation excluded. */
  trainSeconds: number;
}

/** Where a run stands: enough to resume it exactly (with the model and optimizer state). */
export interface TrainProgress {
  /** Epochs fully done. */
  epoch: number;
  /** Steps done within the current epoch (non-zero only after an interruption). */
  step: number;
  /** Examples of the current epoch's order done in those steps (their batch size may differ from the next run's). */
  seen?: number;
  /** The current epoch's running sums of the step terms and its training time, for its averages. */
  partial?: EpochPartial;
  /** The metrics of the epochs done. */
  metrics: EpochMetrics[];
}

/** An interrupted epoch's sums over the steps it took, so its metrics average every step once. */
export interface EpochPartial {
  /** Steps taken. */
  steps: number;
  /** Their summed loss. */
  loss: number;
  /** Their summed reconstruction terms. */
  recon: number;
  /** Their summed KL terms. */
  kl: number;
  /** Their training time. */
  seconds: number;
}

/** What {@link train} calls as it goes: every step, every epoch, and to ask whether to stop. */
export interface TrainCallbacks {
  /** After every step; `terms` is set on steps whose values were read back. */
  onStep?(info: { epoch: number; step: number; steps: number; terms?: Terms }): void;
  /** After each epoch's evaluation (write checkpoints and pictures here). */
  onEpoch?(metrics: EpochMetrics, progress: TrainProgress): Promise<void> | void;
  /** Polled between steps; returning true ends the run early (e.g. on Ctrl-C). */
  shouldStop?(): boolean;
}

/** Thrown by {@link train} when the loss becomes NaN or infinite, naming the epoch and the step. */
export class TrainingDivergedError extends Error {
  constructor(
    /** The epoch (from 1) of the step whose loss was not finite. */
    readonly epoch: number,
    /** That step, within the epoch. */
    readonly step: number,
    terms: Terms,
  ) {
    super(
      `training diverged: the loss became ${terms.loss} at epoch ${epoch}, step ` +
        `${step} (recon ${terms.recon}, KL ${terms.kl})`,
    );
  }
}

export function checkTrainConfig(c: TrainConfig): void {
  const need = (ok: boolean, what: string) => {
    if (!ok) throw new Error(`train: ${what}`);
  };
  need(Number.isInteger(c.epochs) && c.epochs > 0, `epochs must be a positive integer, got ${c.epochs}`);
  need(Number.isInteger(c.batchSize) && c.batchSize > 0, `batch size must be a positive integer, got ${c.batchSize}`);
  need(Number.isFinite(c.beta) && c.beta >= 0, `beta must be >= 0, got ${c.beta}`);
  need(Number.isFinite(c.warmupEpochs) && c.warmupEpochs >= 0, `warm-up epochs must be >= 0, got ${c.warmupEpochs}`);
  need(
    ['none', 'static', 'dynamic'].includes(c.binarize),
    `binarize must be none, static or dynamic, got ${c.binarize}`,
  );
}

/** The images a model sees for a split: grayscale, thresholded, or (test) one fixed Bernoulli draw. */
export function prepareImages(images: Float32Array, binarize: Binarize, seed: number): Float32Array {
  if (binarize === 'static') return binarizeStatic(images);
  if (binarize === 'dynamic') return binarizeDynamic(images, createRng(mixSeed(seed, 0x7e57)));
  return images;
}

/** The KL weight at a global step: beta, reached linearly over the warm-up. */
export function klWeight(config: TrainConfig, globalStep: number, stepsPerEpoch: number): number {
  if (config.warmupEpochs <= 0) return config.beta;
  return config.beta * Math.min(1, (globalStep + 1) / (config.warmupEpochs * stepsPerEpoch));
}

function batchTensors(model: VAE, b: Batch): { x: Tensor; y?: Tensor } {
  const x = tensor(b.images, [b.size, b.images.length / b.size]);
  return model.conditional ? { x, y: tensor(b.labels, [b.size], { dtype: 'int32' }) } : { x };
}

/** Test-set negative ELBO terms (one z sample per image) and the posterior means, in nats per example. */
export async function evaluateElbo(
  model: VAE,
  split: Split,
  images: Float32Array,
  batchSize = 1000,
): Promise<{
  /** The test-set terms, in nats per image. */
  terms: Terms;
  /** The posterior means of every image, [count, latent] (the caller owns it). */
  means: Tensor;
}> {
  if (split.count === 0) throw new Error('evaluateElbo: the split holds no images');
  const view: Split = { ...split, images };
  const { total, means } = noGrad(() =>
    tidy(() => {
      const sums: Tensor[] = [];
      const means: Tensor[] = [];
      for (const b of batches(view, { batchSize, shuffle: false })) {
        // per batch: its summed terms and posterior means; the batch itself is freed at once
        const [sum, mu] = tidy(() => {
          const { x, y } = batchTensors(model, b);
          const { recon, kl, posterior } = model.elboTerms(x, y);
          return [concat([recon.sum().reshape([1]), kl.sum().reshape([1])], 0), posterior.mu];
        });
        sums.push(sum);
        means.push(mu);
      }
      return { total: concat(sums, 0).reshape([-1, 2]).sum(0), means: concat(means, 0) };
    }),
  );
  const [recon = NaN, kl = NaN] = Array.from(await total.data()).map((v) => v / split.count);
  total.dispose();
  return { terms: { loss: recon + kl, recon, kl }, means };
}

/** What {@link train} trains: the model, its optimizer, the data, the settings, where to resume. */
export interface TrainRun {
  /** The model (a VAE or a CVAE). */
  model: VAE;
  /** Updates the model; its `lr` is the run's learning rate (and may be changed between steps). */
  optimizer: Adam;
  /** The training images and labels. */
  train: Split;
  /** The test images, evaluated after every epoch. */
  test: Split;
  /** The settings (see {@link defaultTrainConfig}). */
  config: TrainConfig;
  /** Resume from here (default: the start). */
  progress?: TrainProgress;
  /** Read the step terms back every this many steps (default 25). */
  readEvery?: number;
}

/**
 * Trains `run.model` for `run.config.epochs` epochs (or the rest of them, from `run.progress`):
 * each step enqueues forward, backward and the optimizer update with no readback; the step terms
 * are read back every `readEvery` steps; after each epoch the test set is evaluated and
 * `callbacks.onEpoch` runs. A NaN loss throws {@link TrainingDivergedError}.
 *
 * @example
 * ```ts
 * const mnist = await loadMnist(); // from 'vae-webgpu/node'
 * const model = new VAE(defaultModelConfig('vae'));
 * const optimizer = new Adam(model.parameters(), { lr: defaultLearningRate('vae') });
 * const { progress } = await train(
 *   { model, optimizer, train: mnist.train, test: mnist.test, config: defaultTrainConfig('vae') },
 *   { onEpoch: (m) => console.log(`epoch ${m.epoch}: test -ELBO ${m.test.loss.toFixed(2)}`) },
 * );
 * ```
 */
export async function train(
  run: TrainRun,
  callbacks: TrainCallbacks = {},
): Promise<{
  /** Where the run stands: the epochs done and their metrics. */
  progress: TrainProgress;
  /** True when `callbacks.shouldStop` ended it early. */
  stopped: boolean;
}> {
  const { model, optimizer, config } = run;
  checkTrainConfig(config);
  if (run.train.count === 0) throw new Error('train: the training split holds no images');
  if (run.test.count === 0) throw new Error('train: the test split holds no images (each epoch is evaluated on it)');
  const readEvery = run.readEvery ?? 25;
  const progress: TrainProgress = run.progress ? structuredClone(run.progress) : { epoch: 0, step: 0, metrics: [] };
  const testImages = prepareImages(
    run.test.images,
    config.binarize === 'dynamic' ? 'dynamic' : config.binarize,
    config.seed,
  );
  const staticTrain = config.binarize === 'static' ? binarizeStatic(run.train.images) : run.train.images;
  model.train();

  while (progress.epoch < config.epochs) {
    const epoch = progress.epoch + 1;
    const started = performance.now();
    const count = run.train.count;
    // where an interrupted epoch stands: its steps, the examples they covered, their sums
    const before: EpochPartial = progress.partial ?? { steps: 0, loss: 0, recon: 0, kl: 0, seconds: 0 };
    const seen0 = Math.min(progress.seen ?? progress.step * config.batchSize, count);
    const steps = progress.step + batchCount(count - seen0, config.batchSize);
    const rng = createRng(mixSeed(config.seed, epoch));
    // dynamic binarization draws one number per pixel in epoch order: skip the draws of the done examples
    if (config.binarize === 'dynamic') for (let i = seen0 * pixelsPerImage(run.train); i > 0; i--) rng.nextFloat();
    const pending: { step: number; terms: Tensor }[] = [];
    const sums = { loss: before.loss, recon: before.recon, kl: before.kl, n: before.steps };
    const drain = async () => {
      if (!pending.length) return;
      const all = concat(
        pending.map((p) => p.terms),
        0,
      );
      const values = await all.data().finally(() => all.dispose());
      pending.forEach((p, i) => {
        const [loss = NaN, recon = NaN, kl = NaN] = values.subarray(3 * i, 3 * i + 3);
        const terms = { loss, recon, kl };
        if (!Number.isFinite(terms.loss)) {
          pending.forEach((q) => q.terms.dispose());
          throw new TrainingDivergedError(epoch, p.step, terms);
        }
        sums.loss += terms.loss;
        sums.recon += terms.recon;
        sums.kl += terms.kl;
        sums.n++;
        if (i === pending.length - 1) callbacks.onStep?.({ epoch, step: p.step, steps, terms });
      });
      pending.forEach((p) => p.terms.dispose());
      pending.length = 0;
    };
    const seconds = () => before.seconds + (performance.now() - started) / 1000;

    let step = progress.step;
    let seen = seen0;
    const view: Split = { ...run.train, images: staticTrain };
    const order = { batchSize: config.batchSize, shuffle: true, seed: config.seed, epoch, start: seen0 };
    for (const b of batches(view, order)) {
      step++;
      if (config.binarize === 'dynamic') b.images = binarizeDynamic(b.images, rng);
      const beta = klWeight(config, (epoch - 1) * steps + step - 1, steps);
      const terms = tidy(() => {
        const { x, y } = batchTensors(model, b);
        optimizer.zeroGrad();
        const e = model.elbo(x, { y, beta });
        e.loss.backward();
        optimizer.step();
        return concat([e.loss.reshape([1]), e.recon.reshape([1]), e.kl.reshape([1])], 0);
      });
      pending.push({ step, terms });
      seen += b.size;
      progress.step = step;
      progress.seen = seen;
      if (pending.length >= readEvery || step === steps) await drain();
      else callbacks.onStep?.({ epoch, step, steps });
      if (callbacks.shouldStop?.()) {
        await drain();
        progress.partial = { steps: sums.n, loss: sums.loss, recon: sums.recon, kl: sums.kl, seconds: seconds() };
        return { progress, stopped: true };
      }
    }
    await drain();
    const trainSeconds = seconds();
    const { terms: test, means } = await evaluateElbo(model, run.test, testImages);
    const active = await activeUnits(means);
    means.dispose();
    const n = Math.max(sums.n, 1);
    const metrics: EpochMetrics = {
      epoch,
      train: { loss: sums.loss / n, recon: sums.recon / n, kl: sums.kl / n },
      test,
      activeUnits: active.count,
      trainSeconds,
    };
    progress.metrics.push(metrics);
    progress.epoch = epoch;
    progress.step = 0;
    delete progress.seen;
    delete progress.partial;
    await callbacks.onEpoch?.(metrics, progress);
    if (callbacks.shouldStop?.()) return { progress, stopped: epoch < config.epochs };
  }
  return { progress, stopped: false };
}
