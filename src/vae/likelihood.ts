// The decoder's P(X|z): its negative log-likelihood per example (summed over pixels), and its
// mean image for pictures.
//   bernoulli: the decoder outputs logits l;  -log p(x|z) = Σ BCE(l, x)  (stable, from logits)
//   gaussian:  the decoder outputs the mean m; -log p(x|z) = ½ Σ ((x - m)²/s² + log 2π s²),
//              with log s² fixed or a learned per-pixel parameter.
// negLogLikelihood runs in its own tidy scope: only the result outlives the call.
import { bceWithLogitsSum, type TermReduction } from '../tensor/ops/vae-terms.js';
import type { Tensor } from '../tensor/tensor.js';
import { tidy } from '../tensor/tidy.js';
import { LOG_2PI } from './gaussian.js';

/** The decoder's distribution P(X|z): 'bernoulli' (logits per pixel) or 'gaussian' (a mean per pixel). */
export type Likelihood = 'bernoulli' | 'gaussian';

/**
 * -log P(x|z) per example (summed over the last axis), or with 'batchMean' its mean over the
 * batch (for a Bernoulli decoder in the same single kernel), from the decoder's output `out`.
 */
export function negLogLikelihood(
  kind: Likelihood,
  out: Tensor,
  x: Tensor,
  logVariance: Tensor | number,
  reduction: TermReduction = 'example',
): Tensor {
  return tidy(() => {
    if (kind === 'bernoulli') return bceWithLogitsSum(out, x, reduction); // fused: tensor/ops/vae-terms.ts
    if (reduction === 'batchMean') return negLogLikelihood(kind, out, x, logVariance).mean();
    const sq = x.sub(out).square();
    if (typeof logVariance === 'number')
      return sq
        .mul(Math.exp(-logVariance))
        .add(logVariance + LOG_2PI)
        .sum(-1)
        .mul(0.5);
    return sq.div(logVariance.exp()).add(logVariance).add(LOG_2PI).sum(-1).mul(0.5);
  });
}

/** The decoder's mean image: sigmoid of the logits, or the Gaussian mean itself. */
export function meanImage(kind: Likelihood, out: Tensor): Tensor {
  return kind === 'bernoulli' ? out.sigmoid() : out.add(0);
}
