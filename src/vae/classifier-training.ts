// Training the sample classifier (src/vae/classifier.ts): Adam on cross-entropy, each training image
// shifted by a random whole number of pixels (up to `shift` in each direction, zeros shifted in) so
// the classifier judges a digit by its shape rather than its exact position — the simple
// augmentation with which an MLP reaches ~99% on MNIST (Simard et al. 2003 use elastic distortions).
import { batches } from '../data/batches.js';
import { createRng, mixSeed, type Rng } from '../data/rng.js';
import type { Split } from '../data/split.js';
import { Adam } from '../nn/optim.js';
import { tensor } from '../tensor/creation.js';
import { manualSeed } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { tidy } from '../tensor/tidy.js';
import { Classifier, CLASSIFIER_DEFAULTS, judge, type ClassifierConfig } from './classifier.js';

export interface ClassifierTraining {
  epochs: number;
  batchSize: number;
  lr: number;
  /** The learning rate falls linearly to lr × finalLrFactor over the run. */
  finalLrFactor: number;
  /** Largest random shift in pixels (0 = no augmentation). */
  shift: number;
  seed: number;
}

export const CLASSIFIER_TRAINING: Readonly<ClassifierTraining> = Object.freeze({
  epochs: 30,
  batchSize: 128,
  lr: 1e-3,
  finalLrFactor: 0.05,
  shift: 2,
  seed: 0,
});

/** Shifts each rows×cols image of a batch in place by (dy, dx) drawn uniformly from [-shift, shift]. */
export function shiftImages(images: Float32Array, rows: number, cols: number, shift: number, rng: Rng): void {
  if (shift <= 0) return;
  const pixels = rows * cols;
  const copy = new Float32Array(pixels);
  for (let start = 0; start < images.length; start += pixels) {
    const dy = rng.nextInt(2 * shift + 1) - shift;
    const dx = rng.nextInt(2 * shift + 1) - shift;
    if (dx === 0 && dy === 0) continue;
    copy.set(images.subarray(start, start + pixels));
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const sr = r - dy,
          sc = c - dx;
        images[start + r * cols + c] = sr >= 0 && sr < rows && sc >= 0 && sc < cols ? copy[sr * cols + sc]! : 0;
      }
    }
  }
}

export interface ClassAccuracy {
  /** Share of all images classified correctly. */
  overall: number;
  /** Per class: share of that class's images classified as it (NaN for a class with no images). */
  perClass: number[];
  /** Images per class. */
  counts: number[];
}

/** The classifier's accuracy on a labelled split, overall and per class. */
export async function classifierAccuracy(classifier: Classifier, split: Split): Promise<ClassAccuracy> {
  const classes = classifier.config.classes;
  const { predicted } = await judge(classifier, split.images);
  const right = new Array<number>(classes).fill(0);
  const counts = new Array<number>(classes).fill(0);
  let correct = 0;
  for (let i = 0; i < split.count; i++) {
    const y = split.labels[i]!;
    counts[y]!++;
    if (predicted[i] === y) {
      right[y]!++;
      correct++;
    }
  }
  return { overall: correct / split.count, perClass: right.map((r, c) => r / counts[c]!), counts };
}

export interface ClassifierEpoch {
  epoch: number;
  trainLoss: number;
  seconds: number;
}

/** Trains a fresh classifier on a split; onEpoch hears after each epoch. */
export async function trainClassifier(
  train: Split,
  settings: Partial<ClassifierTraining> = {},
  opts: { config?: ClassifierConfig; onEpoch?: (e: ClassifierEpoch) => void } = {},
): Promise<Classifier> {
  const s = { ...CLASSIFIER_TRAINING, ...settings };
  manualSeed(s.seed);
  const config = opts.config ?? { ...CLASSIFIER_DEFAULTS, hidden: [...CLASSIFIER_DEFAULTS.hidden] };
  const classifier = new Classifier({ ...config, inputDim: train.rows * train.cols });
  let optimizer: Adam | null = null;
  for (let epoch = 1; epoch <= s.epochs; epoch++) {
    const started = performance.now();
    const rng = createRng(mixSeed(s.seed, epoch, 0x5eed));
    // The step size falls linearly epoch by epoch; Adam's moments carry over to the new optimizer.
    const lr = s.lr * (1 - (1 - s.finalLrFactor) * ((epoch - 1) / Math.max(1, s.epochs - 1)));
    const next: Adam = new Adam(classifier.parameters(), { lr });
    if (optimizer) next.loadState(optimizer.stateTensors(), optimizer.stateScalars());
    optimizer = next;
    const losses: Tensor[] = [];
    for (const b of batches(train, { batchSize: s.batchSize, shuffle: true, seed: s.seed, epoch })) {
      shiftImages(b.images, train.rows, train.cols, s.shift, rng);
      losses.push(
        tidy(() => {
          next.zeroGrad();
          const loss = classifier.loss(
            tensor(b.images, [b.size, train.rows * train.cols]),
            tensor(b.labels, [b.size], { dtype: 'int32' }),
          );
          loss.backward();
          next.step();
          return loss.reshape([1]);
        }),
      );
    }
    const total = tidy(() => losses.reduce((a, b) => a.add(b)).div(losses.length));
    const trainLoss = (await total.data())[0]!;
    for (const t of [total, ...losses]) t.dispose();
    opts.onEpoch?.({ epoch, trainLoss, seconds: (performance.now() - started) / 1000 });
  }
  optimizer?.dispose();
  return classifier;
}
