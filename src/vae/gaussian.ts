// Diagonal Gaussians, parameterised by mean and log-variance (the encoder's two outputs).
// Every function returns one value per example: sums over the last (latent) axis. Each runs in
// its own tidy scope: only the result outlives the call.
import { randn } from '../tensor/creation.js';
import { klGaussiansSum, klStdNormalSum, reparameterizeWith, type TermReduction } from '../tensor/ops/vae-terms.js';
import type { Tensor } from '../tensor/tensor.js';
import { tidy } from '../tensor/tidy.js';

/** log 2π, the normalising constant of every Gaussian density here and in likelihood.ts. */
export const LOG_2PI = Math.log(2 * Math.PI);

/**
 * The reparameterization trick (Kingma & Welling 2014, section 2.4): z = mu + sigma * eps with
 * eps ~ N(0, I) and sigma = exp(logvar / 2). The randomness is in eps, outside the graph, so
 * gradients flow to mu and logvar.
 */
export function reparameterize(mu: Tensor, logvar: Tensor): Tensor {
  return tidy(() => {
    const eps = randn([...mu.shape], { dtype: mu.dtype, backend: mu.backend });
    return reparameterizeWith(mu, logvar, eps); // one fused kernel (tensor/ops/vae-terms.ts)
  });
}

/**
 * KL(N(mu, sigma²) || N(0, I)) = ½ Σ (mu² + sigma² - 1 - log sigma²), per example (or, with
 * 'batchMean', its mean over the batch), in one kernel (tensor/ops/vae-terms.ts).
 */
export function klToStandardNormal(mu: Tensor, logvar: Tensor, reduction: TermReduction = 'example'): Tensor {
  return klStdNormalSum(mu, logvar, reduction);
}

/**
 * KL(q || p) between diagonal Gaussians, per example:
 * ½ Σ (log sigma_p² - log sigma_q² + (sigma_q² + (mu_q - mu_p)²) / sigma_p² - 1),
 * in one kernel after the difference of the means (tensor/ops/vae-terms.ts).
 */
export function klBetweenGaussians(muQ: Tensor, logvarQ: Tensor, muP: Tensor, logvarP: Tensor): Tensor {
  return tidy(() => klGaussiansSum(muQ.sub(muP), logvarQ, logvarP));
}

/** log N(z; mu, diag(exp(logvar))), per example. */
export function logNormalDensity(z: Tensor, mu: Tensor, logvar: Tensor): Tensor {
  return tidy(() => z.sub(mu).square().div(logvar.exp()).add(logvar).add(LOG_2PI).sum(-1).mul(-0.5));
}

/** log N(z; 0, I), per example. */
export function logStandardNormalDensity(z: Tensor): Tensor {
  return tidy(() => z.square().add(LOG_2PI).sum(-1).mul(-0.5));
}
