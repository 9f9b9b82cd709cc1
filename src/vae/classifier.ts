// The judge of samples: an MNIST digit classifier (an MLP, 784-256-256-10, ReLU) trained with this
// library. `vae eval` asks it which digit a sample shows (a CVAE's samples should be the digit they
// were drawn for) and uses its last hidden layer as a feature space for the Fréchet distance between
// samples and real digits (the FID of Heusel et al. 2017, with an MNIST classifier in place of
// Inception).
import { noGrad } from '../autograd/grad-mode.js';
import { Linear } from '../nn/linear.js';
import { MLP } from '../nn/mlp.js';
import { Module } from '../nn/module.js';
import { tensor } from '../tensor/creation.js';
import { crossEntropy } from '../tensor/ops/cross-entropy.js';
import type { Tensor } from '../tensor/tensor.js';
import { tidy } from '../tensor/tidy.js';

export interface ClassifierConfig {
  /** Pixels per image (784 for MNIST). */
  inputDim: number;
  /** Hidden layer sizes; the last one is the feature space of the Fréchet distance. */
  hidden: number[];
  classes: number;
}

export const CLASSIFIER_DEFAULTS: Readonly<ClassifierConfig> = Object.freeze({
  inputDim: 784,
  hidden: [256, 256],
  classes: 10,
});

export class Classifier extends Module {
  readonly config: Readonly<ClassifierConfig>;
  private readonly body: MLP;
  private readonly head: Linear;

  constructor(config: ClassifierConfig = { ...CLASSIFIER_DEFAULTS, hidden: [...CLASSIFIER_DEFAULTS.hidden] }) {
    super();
    if (!config.hidden.length) throw new Error('Classifier: needs at least one hidden layer (its feature space)');
    const sizes: [string, number][] = [
      ['inputDim', config.inputDim],
      ['classes', config.classes],
      ...config.hidden.map((h, i): [string, number] => [`hidden[${i}]`, h]),
    ];
    for (const [name, v] of sizes) {
      if (!Number.isInteger(v) || v <= 0) throw new Error(`Classifier: ${name} must be a positive integer, got ${v}`);
    }
    this.config = Object.freeze({ ...config, hidden: [...config.hidden] });
    this.body = this.registerModule('body', new MLP([config.inputDim, ...config.hidden], 'relu', 'relu'));
    this.head = this.registerModule('head', new Linear(config.hidden[config.hidden.length - 1]!, config.classes));
  }

  /** The last hidden layer's activations [batch, hidden.at(-1)]: the Fréchet distance's features. */
  features(x: Tensor): Tensor {
    if (x.rank !== 2 || x.shape[1] !== this.config.inputDim)
      throw new Error(`Classifier: expected images of shape [batch, ${this.config.inputDim}], got ${x.describe()}`);
    return this.body.forward(x);
  }

  /** Unnormalised class scores [batch, classes]. */
  logits(x: Tensor): Tensor {
    return this.featuresAndLogits(x).logits;
  }

  /** Both at once: the features and the class scores computed from them. */
  featuresAndLogits(x: Tensor): { features: Tensor; logits: Tensor } {
    const features = this.features(x);
    return { features, logits: this.head.forward(features) };
  }

  /** Mean cross-entropy −log softmax(logits)[y] over the batch (y: int32 class indices). */
  loss(x: Tensor, y: Tensor): Tensor {
    return tidy(() => crossEntropy(this.logits(x), y));
  }
}

export interface Judgement {
  /** The most probable class of each image. */
  predicted: Int32Array;
  /** Its softmax probability. */
  confidence: Float32Array;
  /** The feature vectors, row-major [count, features]. */
  features: Float32Array;
  featureDim: number;
}

/** Classifies images (row-major [count, inputDim], intensities in [0, 1]) in batches, without gradients. */
export async function judge(classifier: Classifier, images: Float32Array, batchSize = 1000): Promise<Judgement> {
  const d = classifier.config.inputDim;
  const count = Math.floor(images.length / d);
  if (count * d !== images.length)
    throw new Error(`judge: ${images.length} values are not a whole number of ${d}-pixel images`);
  const featureDim = classifier.config.hidden[classifier.config.hidden.length - 1]!;
  const classes = classifier.config.classes;
  const predicted = new Int32Array(count);
  const confidence = new Float32Array(count);
  const features = new Float32Array(count * featureDim);
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const [h, p] = noGrad(() =>
      tidy(() => {
        const x = tensor(images.subarray(start * d, (start + n) * d), [n, d]);
        const { features, logits } = classifier.featuresAndLogits(x);
        return [features, logits.softmax(1)] as const;
      }),
    );
    features.set(await h.data(), start * featureDim);
    const probs = await p.data();
    h.dispose();
    p.dispose();
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < classes; c++) if (probs[i * classes + c]! > probs[i * classes + best]!) best = c;
      predicted[start + i] = best;
      confidence[start + i] = probs[i * classes + best]!;
    }
  }
  return { predicted, confidence, features, featureDim };
}
