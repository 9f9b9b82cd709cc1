// The Variational Autoencoder (Kingma & Welling 2014; Doersch 2016) and, with a label y, the
// Conditional VAE (Sohn et al. 2015).
//
//   encoder Q(z|X[,y]):  MLP -> (mu, logvar)           a diagonal Gaussian
//   sampling:            z = mu + exp(logvar/2) * eps   the reparameterization trick
//   decoder P(X|z[,y]):  MLP -> logits (Bernoulli) or mean (Gaussian)
//   ELBO:                log P(X) >= E_Q[log P(X|z)] - KL(Q(z|X) || P(z))
//
// The loss is the negative ELBO: the reconstruction term summed over pixels plus the KL term
// summed over latent dims, per example, then averaged over the batch. (A per-pixel mean with
// a summed KL would weight the KL 784 times too much.)
//
// Memory: each public method runs in its own tidy scope, so the tensors it computes along the
// way are freed when it returns, inside or outside the caller's tidy; the caller owns what it
// returns (and, with grad on, the graph behind it until backward() or dispose()).
import type { Tensor } from '../tensor/tensor.js';
import { randn, tensor, zeros, type CreateOptions } from '../tensor/creation.js';
import { concat, namedOneHot } from '../tensor/ops/views.js';
import { tidy } from '../tensor/tidy.js';
import { Linear } from '../nn/linear.js';
import { MLP } from '../nn/mlp.js';
import { Module } from '../nn/module.js';
import { klBetweenGaussians, klToStandardNormal, reparameterize } from './gaussian.js';
import { meanImage, negLogLikelihood, type Likelihood } from './likelihood.js';
import type { TermReduction } from '../tensor/ops/vae-terms.js';

/**
 * A VAE's architecture: the input size, the hidden layers, the latent size and the decoder's
 * likelihood; for a CVAE also the number of classes and the prior. {@link defaultModelConfig}
 * gives the defaults (PyTorch's MNIST example for a VAE).
 */
export interface VAEConfig {
  /** Pixels per image (784 for MNIST). */
  inputDim: number;
  /** Hidden layer sizes of the encoder; the decoder mirrors them. */
  hidden: number[];
  /** The size of z (20 in PyTorch's MNIST example). */
  latent: number;
  /** The decoder's P(X|z): 'bernoulli' (logits per pixel) or 'gaussian' (a mean per pixel). */
  likelihood: Likelihood;
  /** Gaussian likelihood only: a fixed variance, or one learned per pixel. */
  gaussianVariance?: 'fixed' | 'learned';
  /** Gaussian likelihood with fixed variance: log sigma² (default log 0.1² ). */
  fixedLogVariance?: number;
  /** CVAE only: how many classes condition the model (one-hot). 0 or absent for a plain VAE. */
  classes?: number;
  /** CVAE only: P(z) = N(0, I), or a learned conditional prior P(z|y). */
  prior?: 'standard' | 'learned';
}

/** What {@link VAE.elbo} returns: the loss and its two terms, each a scalar tensor the caller owns. */
export interface ElboTerms {
  /** recon + beta * kl, averaged over the batch. */
  loss: Tensor;
  /** -E_Q[log P(X|z)], one sample of z, averaged over the batch. */
  recon: Tensor;
  /** KL(Q(z|X) || P(z)), averaged over the batch. */
  kl: Tensor;
}

/** What {@link VAE.elboTerms} returns: the two terms per example and the posterior they came from. */
export interface ExampleTerms {
  /** -log P(x|z) per example, [batch], with one reparameterized sample of z. */
  recon: Tensor;
  /** KL(Q(z|x) || P(z)) per example, [batch]. */
  kl: Tensor;
  /** Q(z|x): the encoder's mean and log-variance. */
  posterior: Posterior;
}

/** A diagonal Gaussian over z, by its mean and log-variance (each [batch, latent]). */
export interface Posterior {
  /** The mean. */
  mu: Tensor;
  /** The log-variance, log σ² (any real number is valid). */
  logvar: Tensor;
}

function checkConfig(c: VAEConfig): void {
  const positiveInt = (name: string, v: number) => {
    if (!Number.isInteger(v) || v <= 0) throw new Error(`VAE: ${name} must be a positive integer, got ${v}`);
  };
  positiveInt('inputDim', c.inputDim);
  positiveInt('latent', c.latent);
  c.hidden.forEach((h, i) => positiveInt(`hidden[${i}]`, h));
  if (c.likelihood !== 'bernoulli' && c.likelihood !== 'gaussian')
    throw new Error(`VAE: likelihood must be bernoulli or gaussian, got ${String(c.likelihood)}`);
  if (c.classes !== undefined && c.classes !== 0) positiveInt('classes', c.classes);
  if (c.prior === 'learned' && !c.classes)
    throw new Error('VAE: a learned prior P(z|y) needs a conditional model (classes > 0)');
}

/**
 * The Variational Autoencoder (Kingma & Welling 2014) and, with `classes`, the Conditional VAE
 * (Sohn et al. 2015): an encoder Q(z|x[,y]) to a diagonal Gaussian, the reparameterization trick,
 * a decoder P(x|z[,y]), and the negative ELBO as the loss. Every method runs in its own `tidy`
 * scope: only what it returns outlives the call. docs/walkthrough.md follows the code equation by
 * equation.
 *
 * @example
 * ```ts
 * const model = new VAE(defaultModelConfig('vae')); // 784-400-20, Bernoulli decoder
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 * tidy(() => {
 *   opt.zeroGrad();
 *   model.elbo(tensor(batch.images, [batch.size, 784])).loss.backward();
 *   opt.step();
 * });
 * const samples = model.sample(16); // [16, 784], pixels in [0, 1]
 * ```
 */
export class VAE extends Module {
  /** The architecture this model was built with (frozen). */
  readonly config: Readonly<VAEConfig>;
  private readonly encoderBody: MLP | null;
  private readonly muHead: Linear;
  private readonly logvarHead: Linear;
  private readonly decoder: MLP;
  private readonly priorMu: Linear | null = null;
  private readonly priorLogvar: Linear | null = null;
  private readonly learnedLogVariance: boolean;

  constructor(config: VAEConfig) {
    super();
    checkConfig(config);
    this.config = Object.freeze({ ...config, hidden: [...config.hidden] });
    const { inputDim, hidden, latent } = config;
    const cond = config.classes ?? 0;
    const last = hidden.at(-1) ?? inputDim + cond;
    this.encoderBody = hidden.length
      ? this.registerModule('encoder', new MLP([inputDim + cond, ...hidden], 'relu', 'relu'))
      : null;
    this.muHead = this.registerModule('encoderMu', new Linear(last, latent));
    this.logvarHead = this.registerModule('encoderLogvar', new Linear(last, latent));
    this.decoder = this.registerModule(
      'decoder',
      new MLP([latent + cond, ...[...hidden].reverse(), inputDim], 'relu', 'none'),
    );
    if (config.prior === 'learned') {
      this.priorMu = this.registerModule('priorMu', new Linear(cond, latent));
      this.priorLogvar = this.registerModule('priorLogvar', new Linear(cond, latent));
    }
    this.learnedLogVariance = config.likelihood === 'gaussian' && config.gaussianVariance === 'learned';
    if (this.learnedLogVariance) this.registerParameter('decoderLogVariance', zeros([inputDim]));
  }

  /** Creation options that put a new tensor beside the parameters (same backend and dtype). */
  private like(): CreateOptions {
    const w = this.muHead.weight;
    return { backend: w.backend, dtype: w.dtype };
  }

  /** True for a CVAE (`classes` > 0): its methods then take the labels y. */
  get conditional(): boolean {
    return (this.config.classes ?? 0) > 0;
  }

  /** The number of classes of a CVAE; an error naming `what` for a plain VAE. */
  private classes(what: string): number {
    const { classes } = this.config;
    if (!classes) throw new Error(`VAE.${what}: a label was given to an unconditional VAE`);
    return classes;
  }

  /** [input, onehot(y)] for a CVAE; the input itself for a VAE. */
  private withCondition(input: Tensor, y: Tensor | undefined, what: string): Tensor {
    if (!this.conditional) {
      if (y) throw new Error(`VAE.${what}: a label was given to an unconditional VAE`);
      return input;
    }
    if (!y) throw new Error(`CVAE.${what}: the label y is required`);
    if (y.dtype !== 'int32' || y.rank !== 1 || y.shape[0] !== input.shape[0]) {
      throw new Error(`CVAE.${what}: y must be int32 of shape [${input.shape[0]}], got ${y.describe()}`);
    }
    return concat([input, namedOneHot(`CVAE.${what}`, 'label', y, this.classes(what))], 1);
  }

  /** Q(z|x[,y]): the posterior's mean and log-variance. */
  encode(x: Tensor, y?: Tensor): Posterior {
    if (x.rank !== 2 || x.shape[1] !== this.config.inputDim) {
      throw new Error(`VAE.encode: expected x of shape [batch, ${this.config.inputDim}], got ${x.describe()}`);
    }
    return tidy(() => {
      const input = this.withCondition(x, y, 'encode');
      const h = this.encoderBody ? this.encoderBody.forward(input) : input;
      return { mu: this.muHead.forward(h), logvar: this.logvarHead.forward(h) };
    });
  }

  /** The decoder's raw output for z: logits (Bernoulli) or the mean (Gaussian). */
  decodeRaw(z: Tensor, y?: Tensor): Tensor {
    return tidy(() => this.decoder.forward(this.withCondition(z, y, 'decode')));
  }

  /** The decoder's mean image for z, in [0, 1] for a Bernoulli decoder. */
  decode(z: Tensor, y?: Tensor): Tensor {
    return tidy(() => meanImage(this.config.likelihood, this.decodeRaw(z, y)));
  }

  /** P(z[|y]) as (mu, logvar); null for the standard normal prior. */
  prior(y?: Tensor): Posterior | null {
    const { priorMu, priorLogvar } = this;
    if (!priorMu || !priorLogvar) return null;
    if (!y) throw new Error('CVAE.prior: the label y is required');
    return tidy(() => {
      const hot = namedOneHot('CVAE.prior', 'label', y, this.classes('prior'));
      return { mu: priorMu.forward(hot), logvar: priorLogvar.forward(hot) };
    });
  }

  /** -log P(x|z) per example (or its batch mean), from the decoder's raw output. */
  reconstructionNLL(raw: Tensor, x: Tensor, reduction: TermReduction = 'example'): Tensor {
    const logVar = this.learnedLogVariance
      ? this.parameter('decoderLogVariance')
      : (this.config.fixedLogVariance ?? Math.log(0.01));
    return negLogLikelihood(this.config.likelihood, raw, x, logVar, reduction);
  }

  /** KL(Q(z|x) || P(z[|y])) per example (or its batch mean), in closed form. */
  klTerm(q: Posterior, y?: Tensor, reduction: TermReduction = 'example'): Tensor {
    return tidy(() => {
      const p = this.prior(y);
      if (!p) return klToStandardNormal(q.mu, q.logvar, reduction);
      const kl = klBetweenGaussians(q.mu, q.logvar, p.mu, p.logvar);
      return reduction === 'example' ? kl : kl.mean();
    });
  }

  /**
   * Per-example reconstruction and KL terms, with one reparameterized sample of z, and the
   * posterior Q(z|x) they came from (the caller owns all of them).
   */
  elboTerms(x: Tensor, y?: Tensor): ExampleTerms {
    return tidy(() => {
      const q = this.encode(x, y);
      const z = reparameterize(q.mu, q.logvar);
      const recon = this.reconstructionNLL(this.decodeRaw(z, y), x);
      const kl = this.klTerm(q, y);
      return { recon, kl, posterior: q };
    });
  }

  /** The negative ELBO and its terms, averaged over the batch; beta weights the KL term. */
  elbo(x: Tensor, opts: { y?: Tensor; beta?: number } = {}): ElboTerms {
    const beta = opts.beta ?? 1;
    return tidy(() => {
      const q = this.encode(x, opts.y);
      const raw = this.decodeRaw(reparameterize(q.mu, q.logvar), opts.y);
      // the batch means straight from the fused terms: one kernel each way (tensor/ops/vae-terms.ts)
      const recon = this.reconstructionNLL(raw, x, 'batchMean');
      const kl = this.klTerm(q, opts.y, 'batchMean');
      const loss = beta === 1 ? recon.add(kl) : recon.add(kl.mul(beta));
      return { loss, recon, kl };
    });
  }

  /** n draws from the prior, decoded to mean images [n, inputDim]. For a CVAE, y gives each draw's class. */
  sample(n: number, y?: Tensor): Tensor {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`VAE.sample: n must be a positive integer, got ${n}`);
    if (this.conditional && (!y || y.shape[0] !== n)) throw new Error(`CVAE.sample: needs ${n} labels`);
    return tidy(() => {
      const p = this.prior(y);
      const z = p ? reparameterize(p.mu, p.logvar) : randn([n, this.config.latent], this.like());
      return this.decode(z, y);
    });
  }

  /** Decodes the posterior means of x: the model's reconstructions [batch, inputDim]. */
  reconstruct(x: Tensor, y?: Tensor): Tensor {
    return tidy(() => this.decode(this.encode(x, y).mu, y));
  }

  /**
   * Images along the straight line between the posterior means of two single examples a and b
   * ([1, inputDim] each): steps images, a's reconstruction first and b's last.
   */
  interpolate(a: Tensor, b: Tensor, steps: number, y?: Tensor): Tensor {
    if (!Number.isInteger(steps) || steps < 2)
      throw new Error(`VAE.interpolate: steps must be an integer >= 2, got ${steps}`);
    return tidy(() => {
      const { mu } = this.encode(concat([a, b], 0), y && concat([y, y], 0));
      const [ma, mb] = [mu.slice(0, 0, 1), mu.slice(0, 1, 2)];
      const t = tensor(
        Array.from({ length: steps }, (_, i) => [i / (steps - 1)]),
        undefined,
        this.like(),
      );
      const path = ma.add(mb.sub(ma).mul(t)); // (1 - t) a + t b
      const labels =
        y &&
        concat(
          Array.from({ length: steps }, () => y),
          0,
        );
      return this.decode(path, labels);
    });
  }
}
