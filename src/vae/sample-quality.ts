// How good are a model's samples, in the eyes of the MNIST classifier (src/vae/classifier.ts)?
//   CVAE: per digit, the share of samples drawn for that digit the classifier reads as that digit,
//         beside its accuracy on real test digits of that class (the ceiling).
//   VAE:  the classifier's mean confidence on prior samples and the balance of the classes it
//         sees in them (a model that dropped a mode draws too few of some digit).
//   both: the Fréchet distance between samples and test digits in the classifier's feature space
//         (an MNIST analogue of FID, Heusel et al. 2017), beside the same distance between
//         train and test digits (what a perfect model would score, given the sample sizes).
import { noGrad } from '../autograd/grad-mode.js';
import type { Split } from '../data/split.js';
import { tensor } from '../tensor/creation.js';
import { tidy } from '../tensor/tidy.js';
import { judge, type Classifier, type Judgement } from './classifier.js';
import { fitGaussian, frechetDistance } from './frechet.js';
import type { VAE } from './vae.js';

/** Per class c: the share of the images requested as c that the classifier reads as c (NaN if none). */
export function recognitionByClass(predicted: Int32Array, requested: Int32Array, classes: number): number[] {
  if (predicted.length !== requested.length)
    throw new Error(`recognitionByClass: ${predicted.length} predictions for ${requested.length} requests`);
  const right = new Array<number>(classes).fill(0);
  const asked = new Array<number>(classes).fill(0);
  requested.forEach((c, i) => {
    asked[c]!++;
    if (predicted[i] === c) right[c]!++;
  });
  return right.map((r, c) => r / asked[c]!);
}

/** The share of images the classifier puts in each class. */
export function classShares(predicted: Int32Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const c of predicted) counts[c]!++;
  return counts.map((k) => k / Math.max(predicted.length, 1));
}

/** Draws count images from the model's prior in batches (for a CVAE, labels[i] is image i's class). */
export async function drawSamples(
  model: VAE,
  count: number,
  labels?: Int32Array,
  batchSize = 1000,
): Promise<Float32Array> {
  const d = model.config.inputDim;
  const out = new Float32Array(count * d);
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const images = noGrad(() =>
      tidy(() =>
        labels ? model.sample(n, tensor(labels.subarray(start, start + n), [n], { dtype: 'int32' })) : model.sample(n),
      ),
    );
    out.set(await images.data(), start * d);
    images.dispose();
  }
  return out;
}

export interface SampleQuality {
  /** Samples judged (per digit for a CVAE). */
  samplesPerDigit?: number;
  samples: number;
  /** CVAE: per digit, the share of its samples read as that digit. */
  recognised?: number[];
  /** The classifier's accuracy per class on the real test digits. */
  realAccuracy: number[];
  realAccuracyOverall: number;
  /** Mean of the classifier's top probability on the samples, and on real test digits. */
  confidence: number;
  realConfidence: number;
  /** The share of samples the classifier puts in each class, and the same for the test digits. */
  classShares: number[];
  realClassShares: number[];
  /** Fréchet distance (samples vs test digits) in the classifier's feature space. */
  frechet: number;
  /** The same distance between as many train digits and the test digits: the floor. */
  frechetTrainVsTest: number;
}

function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s / Math.max(values.length, 1);
}

/**
 * The sample-quality report of a model. A CVAE draws samplesPerDigit images of each class; a VAE
 * draws samplesPerDigit × classes from its prior. The real-digit references use the test split
 * and the first (as many as samples) images of the train split.
 */
export async function sampleQuality(
  model: VAE,
  classifier: Classifier,
  data: { test: Split; train: Split },
  samplesPerDigit: number,
  real?: Judgement,
): Promise<SampleQuality> {
  if (!Number.isInteger(samplesPerDigit) || samplesPerDigit < 1)
    throw new Error(`sampleQuality: samplesPerDigit must be a positive integer, got ${samplesPerDigit}`);
  if (model.config.inputDim !== classifier.config.inputDim)
    throw new Error(
      `sampleQuality: the model draws ${model.config.inputDim}-pixel images, the ` +
        `classifier reads ${classifier.config.inputDim}`,
    );
  const classes = classifier.config.classes;
  if (model.conditional && model.config.classes !== classes)
    throw new Error(`sampleQuality: the CVAE has ${model.config.classes} classes, the classifier ${classes}`);
  const count = samplesPerDigit * classes;
  const requested = model.conditional
    ? Int32Array.from({ length: count }, (_, i) => Math.floor(i / samplesPerDigit))
    : undefined;
  const samples = await drawSamples(model, count, requested);
  const seen = await judge(classifier, samples);
  const test = real ?? (await judge(classifier, data.test.images));
  const trainCut = Math.min(count, data.train.count);
  const train = await judge(classifier, data.train.images.subarray(0, trainCut * classifier.config.inputDim));
  const testGaussian = fitGaussian(test.features, test.featureDim);
  return {
    ...(requested ? { samplesPerDigit, recognised: recognitionByClass(seen.predicted, requested, classes) } : {}),
    samples: count,
    realAccuracy: recognitionByClass(test.predicted, data.test.labels, classes),
    realAccuracyOverall: mean(Array.from(test.predicted, (p, i) => (p === data.test.labels[i] ? 1 : 0))),
    confidence: mean(seen.confidence),
    realConfidence: mean(test.confidence),
    classShares: classShares(seen.predicted, classes),
    realClassShares: classShares(test.predicted, classes),
    frechet: frechetDistance(fitGaussian(seen.features, seen.featureDim), testGaussian),
    frechetTrainVsTest: frechetDistance(fitGaussian(train.features, train.featureDim), testGaussian),
  };
}
