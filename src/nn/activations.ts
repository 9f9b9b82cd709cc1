// Activations as modules (no parameters), for Sequential and for models that list their layers.
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

/** max(x, 0) as a layer. */
export class ReLU extends Module {
  /** `x.relu()`. */
  forward(x: Tensor): Tensor {
    return x.relu();
  }
}

/** GELU as a layer: x Φ(x), the exact (erf) form, as PyTorch's nn.GELU(). */
export class GELU extends Module {
  /** `x.gelu()`. */
  forward(x: Tensor): Tensor {
    return x.gelu();
  }
}

/** SiLU (swish) as a layer: x σ(x), as PyTorch's nn.SiLU(). */
export class SiLU extends Module {
  /** `x.silu()`. */
  forward(x: Tensor): Tensor {
    return x.silu();
  }
}

/** The logistic sigmoid as a layer. */
export class Sigmoid extends Module {
  /** `x.sigmoid()`. */
  forward(x: Tensor): Tensor {
    return x.sigmoid();
  }
}

/** tanh as a layer. */
export class Tanh extends Module {
  /** `x.tanh()`. */
  forward(x: Tensor): Tensor {
    return x.tanh();
  }
}
