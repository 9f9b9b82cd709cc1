// Layer normalisation (Ba et al. 2016) over the trailing axes:
//   y = (x - mean) / sqrt(var + eps) * weight + bias,   mean and (biased) var over those axes.
// Composed of ops, so its gradient is theirs (checked by gradcheck like every op).
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { tidy } from '../tidy.js';

/**
 * Normalises x over its trailing axes `normalizedShape` (torch.nn.functional.layer_norm), then
 * scales by weight and shifts by bias (each of shape normalizedShape, both optional).
 *
 * @example
 * ```ts
 * const y = layerNorm(h, [256], gamma, beta); // h: [batch, 256]
 * ```
 */
export function layerNorm(
  x: Tensor,
  normalizedShape: number | readonly number[],
  weight?: Tensor | null,
  bias?: Tensor | null,
  eps = 1e-5,
): Tensor {
  const norm = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  const k = norm.length;
  const trailing = x.shape.slice(x.rank - k);
  if (k === 0 || k > x.rank || trailing.some((d, i) => d !== norm[i])) {
    throw new Error(`layerNorm: normalizedShape ${fmt(norm)} is not the trailing shape of ${x.describe()}`);
  }
  for (const [name, t] of [
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (t && fmt(t.shape) !== fmt(norm))
      throw new Error(`layerNorm: ${name} ${t.describe()} must have the normalized shape ${fmt(norm)}`);
  }
  if (!(eps >= 0)) throw new Error(`layerNorm: eps must be >= 0, got ${eps}`);
  const axes = norm.map((_, i) => x.rank - k + i);
  return tidy(() => {
    const centred = x.sub(x.mean(axes, true));
    const variance = centred.square().mean(axes, true);
    let y = centred.div(variance.add(eps).sqrt());
    if (weight) y = y.mul(weight);
    if (bias) y = y.add(bias);
    return y;
  });
}
