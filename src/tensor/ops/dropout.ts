// Dropout (Srivastava et al. 2014, inverted form): in training each element is kept with
// probability 1 - p and scaled by 1/(1 - p), so the expected output equals the input and
// evaluation needs no rescaling. The keep-mask comes from the seeded counter-based generator
// (rand), so a seeded run drops the same elements on the CPU and on the GPU. The gradient is the
// mask times dy, from mul's backward.
import { rand } from '../creation.js';
import { floatDType } from '../dispatch.js';
import type { Tensor } from '../tensor.js';
import { tidy } from '../tidy.js';

/**
 * Zeroes each element with probability p and scales the rest by 1/(1-p) (torch.nn.functional.
 * dropout). With `training` false (or p = 0) it is the identity: a new tensor sharing x's data,
 * no kernel, no random draw. p must be in [0, 1]; p = 1 drops everything.
 *
 * @example
 * ```ts
 * manualSeed(0);
 * const h = dropout(hidden, 0.2, model.training);
 * ```
 */
export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  if (!(p >= 0 && p <= 1)) throw new Error(`dropout: p must be a probability in [0, 1], got ${p}`);
  floatDType('dropout', [x]);
  if (!training || p === 0) return x.reshape([...x.shape]);
  const scale = p < 1 ? 1 / (1 - p) : 0;
  return tidy(() => {
    // uniforms on (0, 1): u >= p with probability 1 - p
    const keep = rand(x.shape, { dtype: x.dtype, backend: x.backend }).ge(p).mul(scale);
    return x.mul(keep);
  });
}
