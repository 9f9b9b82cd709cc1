// What a layer is to Sequential: a module with a forward from one tensor to one tensor.
import type { Tensor } from '../tensor/tensor.js';
import type { Module } from './module.js';

/** A module that maps one tensor to one tensor (Linear, MLP, Dropout, LayerNorm, the activations ...). */
export interface Layer extends Module {
  /** The layer's output for input `x` (a new tensor the caller owns). */
  forward(x: Tensor): Tensor;
}
