// A fully connected layer, y = act(x Wᵀ + b), computed by one fused matmul dispatch.
import { type Activation, linear } from '../tensor/ops/linear.js';
import type { CreateOptions } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { linearInit } from './init.js';
import { Module } from './module.js';

export class Linear extends Module {
  /** [outFeatures, inFeatures], as in PyTorch. */
  get weight(): Tensor {
    return this.parameter('weight');
  }
  get bias(): Tensor {
    return this.parameter('bias');
  }

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
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

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias, this.activation);
  }
}
