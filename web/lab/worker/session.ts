// One training session in the worker: the model, Adam, the data as the model sees it, and where
// the run stands (epoch, step). A step is the CLI's step (src/vae/train.ts): a shuffled minibatch,
// the negative ELBO with the KL weighted by beta (ramped by the warm-up), backward, Adam.
import {
  Adam,
  VAE,
  batchCount,
  batches,
  binarizeDynamic,
  binarizeStatic,
  concat,
  createRng,
  klWeight,
  prepareImages,
  tensor,
  tidy,
  type Batch,
  type Split,
  type Tensor,
} from '../../../src/index.js';
import { modelConfig, trainConfig, type LabConfig } from '../config.js';

/** The test images the per-epoch evaluation uses while training (the full set is on demand). */
export const TEST_SUBSET = 1000;

export class Session {
  model: VAE;
  optimizer: Adam;
  /** Training images as the model sees them (statically binarized once, if asked). */
  readonly train: Split;
  /** Test images as `vae eval` prepares them for this config. */
  readonly testImages: Float32Array;
  readonly stepsPerEpoch: number;
  /** Steps done in all, and within the current epoch; epochs fully done. */
  step = 0;
  stepInEpoch = 0;
  epochsDone = 0;
  /** Live settings: the KL weight and its warm-up can change while training. */
  beta: number;
  warmup: number;
  private batchIter: Iterator<Batch> | null = null;
  private binarizeRng = createRng(0);

  constructor(
    readonly config: LabConfig,
    train: Split,
    readonly test: Split,
    model?: VAE,
  ) {
    this.model = model ?? new VAE(modelConfig(config, train.rows * train.cols));
    this.optimizer = new Adam(this.model.parameters(), { lr: config.lr });
    this.train = config.binarize === 'static' ? { ...train, images: binarizeStatic(train.images) } : train;
    this.testImages = prepareImages(test.images, config.binarize, config.seed);
    this.stepsPerEpoch = batchCount(train.count, config.batch);
    this.beta = config.beta;
    this.warmup = config.warmup;
  }

  get conditional(): boolean {
    return this.model.conditional;
  }

  get epoch(): number {
    return this.epochsDone + 1;
  }

  /** The KL weight of the next step. */
  klWeight(): number {
    const c = { ...trainConfig(this.config, this.epoch), beta: this.beta, warmupEpochs: this.warmup };
    return klWeight(c, this.step, this.stepsPerEpoch);
  }

  private nextBatch(): Batch {
    if (!this.batchIter) {
      this.batchIter = batches(this.train, {
        batchSize: this.config.batch,
        shuffle: true,
        seed: this.config.seed,
        epoch: this.epoch,
      });
      this.binarizeRng = createRng((this.config.seed * 1000003 + this.epoch) >>> 0);
    }
    const next = this.batchIter.next();
    if (next.done) throw new Error('internal: the epoch ran out of batches before its last step');
    const b = next.value;
    if (this.config.binarize === 'dynamic') b.images = binarizeDynamic(b.images, this.binarizeRng);
    return b;
  }

  /**
   * Records one training step (nothing waits for the device) and returns [loss, recon, kl] as a
   * tensor to read later, with the KL weight it used. After the epoch's last step, `epochEnded`
   * is true and the next step starts the next epoch.
   */
  recordStep(): { terms: Tensor; klWeight: number; epoch: number; epochEnded: boolean } {
    const epoch = this.epoch;
    const weight = this.klWeight();
    const b = this.nextBatch();
    const terms = tidy(() => {
      const x = tensor(b.images, [b.size, b.images.length / b.size]);
      const y = this.conditional ? tensor(b.labels, [b.size], { dtype: 'int32' }) : undefined;
      this.optimizer.zeroGrad();
      const e = this.model.elbo(x, { y, beta: weight });
      e.loss.backward();
      this.optimizer.step();
      return concat([e.loss.reshape([1]), e.recon.reshape([1]), e.kl.reshape([1])], 0);
    });
    this.step++;
    this.stepInEpoch++;
    const epochEnded = this.stepInEpoch >= this.stepsPerEpoch;
    if (epochEnded) {
      this.epochsDone++;
      this.stepInEpoch = 0;
      this.batchIter = null;
    }
    return { terms, klWeight: weight, epoch, epochEnded };
  }

  /** Puts a rebuilt model (after a lost device) in place, with Adam's state restored by the caller. */
  replaceModel(model: VAE, optimizer: Adam): void {
    this.model = model;
    this.optimizer = optimizer;
  }

  dispose(): void {
    this.optimizer.dispose();
    this.model.dispose();
  }
}
