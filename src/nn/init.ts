// Initialisation. PyTorch's default for nn.Linear (kaiming_uniform with a = sqrt(5)) works out
// to U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the weight, and the same bound for the bias.
import { rand, type CreateOptions } from '../tensor/creation.js';
import { noGrad } from '../autograd/grad-mode.js';
import type { Tensor } from '../tensor/tensor.js';
import { tidy } from '../tensor/tidy.js';

export function uniform(shape: number[], bound: number, opts: CreateOptions = {}): Tensor {
  return noGrad(() =>
    tidy(() =>
      rand(shape, opts)
        .mul(2 * bound)
        .sub(bound),
    ),
  );
}

export function linearInit(
  inFeatures: number,
  outFeatures: number,
  opts: CreateOptions = {},
): { weight: Tensor; bias: Tensor } {
  const bound = 1 / Math.sqrt(inFeatures);
  return { weight: uniform([outFeatures, inFeatures], bound, opts), bias: uniform([outFeatures], bound, opts) };
}
