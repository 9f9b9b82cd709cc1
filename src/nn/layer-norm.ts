// LayerNorm as a layer: normalise over the trailing axes, then a learned scale and shift.
import { type CreateOptions, ones, zeros } from '../tensor/creation.js';
import { layerNorm } from '../tensor/ops/layer-norm.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

/** LayerNorm's settings, and where its parameters are created (backend, dtype). */
export interface LayerNormOptions extends CreateOptions {
  /** Added to the variance (default 1e-5, as PyTorch). */
  eps?: number;
  /** Learn a scale 'weight' (ones) and a shift 'bias' (zeros) of the normalized shape (default true). */
  elementwiseAffine?: boolean;
}

/**
 * Layer normalisation over the trailing `normalizedShape` axes (torch.nn.LayerNorm), with the
 * parameters 'weight' and 'bias' unless `elementwiseAffine` is false.
 *
 * @example
 * ```ts
 * const norm = new LayerNorm(256);
 * const y = norm.forward(h); // h: [batch, 256]
 * ```
 */
export class LayerNorm extends Module {
  /** The trailing axes normalized over (their sizes). */
  readonly normalizedShape: readonly number[];
  /** Added to the variance before the square root. */
  readonly eps: number;
  /** Whether the layer has the learned 'weight' and 'bias'. */
  readonly elementwiseAffine: boolean;

  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions = {}) {
    super();
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d <= 0))
      throw new Error(`LayerNorm: normalizedShape must be positive integers, got [${shape.join(',')}]`);
    this.normalizedShape = shape;
    this.eps = opts.eps ?? 1e-5;
    if (!(this.eps >= 0)) throw new Error(`LayerNorm: eps must be >= 0, got ${this.eps}`);
    const { eps: _eps, elementwiseAffine = true, requiresGrad: _r, ...create } = opts;
    this.elementwiseAffine = elementwiseAffine;
    if (elementwiseAffine) {
      this.registerParameter('weight', ones(shape, create));
      this.registerParameter('bias', zeros(shape, create));
    }
  }

  /** `(x - mean) / sqrt(var + eps) * weight + bias` over the trailing `normalizedShape` axes. */
  forward(x: Tensor): Tensor {
    const affine = this.elementwiseAffine;
    return layerNorm(
      x,
      this.normalizedShape,
      affine ? this.parameter('weight') : null,
      affine ? this.parameter('bias') : null,
      this.eps,
    );
  }
}
