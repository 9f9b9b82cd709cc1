// A fully connected layer, y = act(x Wᵀ + b), computed by one fused matmul dispatch.
import { type Activation, linear } from '../tensor/ops/linear.js';
import type { CreateOptions } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { linearInit } from './init.js';
import { Module } from './module.js';

/**
 * A fully connected layer, `y = act(x Wᵀ + b)`, as PyTorch's `nn.Linear` (same weight layout and
 * initialization, uniform in ±1/√inFeatures); the product, bias and activation run as one fused kernel.
 *
 * @example
 * ```ts
 * const layer = new Linear(784, 256, 'relu');
 * const h = layer.forward(x); // [batch, 784] -> [batch, 256]
 * ```
 */
export class Linear extends Module {
  /** [outFeatures, inFeatures], as in PyTorch. */
  get weight(): Tensor {
    return this.parameter('weight');
  }
  /** [outFeatures]. */
  get bias(): Tensor {
    return this.parameter('bias');
  }

  constructor(
    /** The size of each input row. */
    readonly inFeatures: number,
    /** The size of each output row. */
    readonly outFeatures: number,
    /** Applied after the bias: 'none', 'relu', 'sigmoid', 'tanh', 'gelu' or 'silu'. */
    readonly activation: Activation = 'none',
    opts: CreateOptions = {},
  ) {
    super();
    for (const [name, v] of [
      ['inFeatures', inFeatures],
      ['outFeatures', outFeatures],
    ] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new Error(`Linear: ${name} must be a positive integer, got ${v}`);
    }
    const { weight, bias } = linearInit(inFeatures, outFeatures, opts);
    this.registerParameter('weight', weight);
    this.registerParameter('bias', bias);
  }

  /** `act(x Wᵀ + b)` for `x` of shape `[..., inFeatures]`. */
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias, this.activation);
  }
}
