// Dropout as a layer: active in training mode, the identity after model.eval().
import { dropout } from '../tensor/ops/dropout.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

/**
 * Zeroes each element with probability p during training and scales the rest by 1/(1-p); the
 * identity in eval mode (`model.eval()` switches every Dropout inside a model). Draws from the
 * seeded generator (`manualSeed`).
 *
 * @example
 * ```ts
 * const net = new Sequential(new Linear(784, 256, 'relu'), new Dropout(0.2), new Linear(256, 10));
 * net.eval(); // dropout off for testing
 * ```
 */
export class Dropout extends Module {
  /** @param p The probability of zeroing an element, in [0, 1]. */
  constructor(readonly p = 0.5) {
    super();
    if (!(p >= 0 && p <= 1)) throw new Error(`Dropout: p must be a probability in [0, 1], got ${p}`);
  }
  /**
   * In training mode `x` with elements zeroed (probability p) and the rest scaled by 1/(1-p);
   * in eval mode `x` itself.
   */
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }
}
