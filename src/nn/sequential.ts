// Sequential: layers applied in order, registered as '0', '1', ... (so parameter names match
// PyTorch's nn.Sequential: '0.weight', '2.bias').
import type { Tensor } from '../tensor/tensor.js';
import { tidy } from '../tensor/tidy.js';
import type { Layer } from './layer.js';
import { Module } from './module.js';

/**
 * Runs its layers one after another (torch.nn.Sequential). Intermediate outputs are freed as it
 * goes; autograd keeps what backward needs.
 *
 * @example
 * ```ts
 * const net = new Sequential(new Linear(784, 256), new GELU(), new Dropout(0.1), new Linear(256, 10));
 * const logits = net.forward(x);
 * ```
 */
export class Sequential extends Module {
  /** The layers in the order they run; registered as '0', '1', ... */
  readonly layers: readonly Layer[];

  constructor(...layers: Layer[]) {
    super();
    this.layers = layers.map((layer, i) => this.registerModule(String(i), layer));
  }

  /** The layers in turn; the activations between them are freed on return. */
  forward(x: Tensor): Tensor {
    return tidy(() => this.layers.reduce((h, layer) => layer.forward(h), x));
  }
}
