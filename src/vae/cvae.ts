// The Conditional VAE (Sohn et al. 2015; the objective as in Doersch 2016, section 4): the
// one-hot label y is joined to the encoder's input and to the decoder's input, so Q(z|X,y) and
// P(X|z,y). The prior is N(0, I) or a learned P(z|y) (Sohn et al.'s prior network); the KL term
// is then between two diagonal Gaussians.
import { VAE, type VAEConfig } from './vae.js';

export type CVAEConfig = VAEConfig & { classes: number };

export class CVAE extends VAE {
  constructor(config: CVAEConfig) {
    if (!Number.isInteger(config.classes) || config.classes <= 0) {
      throw new Error(`CVAE: classes must be a positive integer, got ${config.classes}`);
    }
    super(config);
  }
}
