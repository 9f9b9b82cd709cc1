// A stack of Linear layers: hidden layers use `activation`, the last uses `outputActivation`.
import type { CreateOptions } from '../tensor/creation.js';
import type { Activation } from '../tensor/ops/linear.js';
import type { Tensor } from '../tensor/tensor.js';
import { tidy } from '../tensor/tidy.js';
import { Linear } from './linear.js';
import { Module } from './module.js';

/**
 * A stack of {@link Linear} layers: the hidden layers use `activation`, the last `outputActivation`.
 * Parameters are named `0.weight`, `0.bias`, `1.weight`, ...
 *
 * @example
 * ```ts
 * const model = new MLP([784, 256, 10], 'relu'); // 784 -> 256 (ReLU) -> 10 logits
 * const logits = model.forward(x);
 * ```
 */
export class MLP extends Module {
  /** The Linear layers, input side first. */
  readonly layers: Linear[];

  /** sizes = [in, hidden..., out]. */
  constructor(
    sizes: number[],
    activation: Activation = 'relu',
    outputActivation: Activation = 'none',
    opts: CreateOptions = {},
  ) {
    super();
    if (sizes.length < 2) throw new Error(`MLP: needs at least an input and an output size, got [${sizes.join(',')}]`);
    // layer i maps sizes[i] to sizes[i + 1]
    this.layers = sizes.slice(0, -1).map((inp, i) => {
      const out = sizes[i + 1] ?? NaN;
      const act = i === sizes.length - 2 ? outputActivation : activation;
      return this.registerModule(String(i), new Linear(inp, out, act, opts));
    });
  }

  /** The layers in turn; the activations between them are freed on return. */
  forward(x: Tensor): Tensor {
    return tidy(() => this.layers.reduce((h, layer) => layer.forward(h), x));
  }
}
