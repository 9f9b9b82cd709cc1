// The Conditional VAE (Sohn et al. 2015; the objective as in Doersch 2016, section 4): the
// one-hot label y is joined to the encoder's input and to the decoder's input, so Q(z|X,y) and
// P(X|z,y). The prior is N(0, I) or a learned P(z|y) (Sohn et al.'s prior network); the KL term
// is then between two diagonal Gaussians.
import { VAE, type VAEConfig } from './vae.js';

/** A {@link VAEConfig} whose `classes` is required: the number of labels the model is conditioned on. */
export type CVAEConfig = VAEConfig & {
  /** How many classes condition the model (10 for MNIST's digits). */
  classes: number;
};

/**
 * The Conditional VAE (Sohn et al. 2015): a {@link VAE} conditioned on a class label y (a one-hot
 * vector joined to the encoder's and the decoder's input), with a standard or a learned prior
 * P(z|y). Its methods take the labels as int32 class indices.
 *
 * @example
 * ```ts
 * const cvae = new CVAE(defaultModelConfig('cvae') as CVAEConfig); // 784-400-2, learned prior, 10 classes
 * const sevens = cvae.sample(8, tensor(new Int32Array(8).fill(7)));
 * ```
 */
export class CVAE extends VAE {
  constructor(config: CVAEConfig) {
    if (!Number.isInteger(config.classes) || config.classes <= 0) {
      throw new Error(`CVAE: classes must be a positive integer, got ${config.classes}`);
    }
    super(config);
  }
}
