// Embedding: a table of vectors looked up by int32 ids (rows picked by indexSelect, whose
// backward adds each id's gradient into its row).
import { type CreateOptions, randn } from '../tensor/creation.js';
import { checkIndices } from '../tensor/indices.js';
import { indexSelect } from '../tensor/ops/indexing.js';
import type { Tensor } from '../tensor/tensor.js';
import { tidy } from '../tensor/tidy.js';
import { Module } from './module.js';

/**
 * A lookup table of `count` vectors of size `dim` (torch.nn.Embedding; 'weight' starts N(0, 1)).
 * forward(ids) takes int32 ids of any shape in [0, count) and returns [...ids.shape, dim].
 *
 * @example
 * ```ts
 * const embed = new Embedding(10, 16);
 * const v = embed.forward(labels); // labels: int32 [batch] -> [batch, 16]
 * ```
 */
export class Embedding extends Module {
  constructor(
    /** The number of vectors (ids run from 0 to count - 1). */
    readonly count: number,
    /** The size of each vector. */
    readonly dim: number,
    opts: CreateOptions = {},
  ) {
    super();
    for (const [name, v] of [
      ['count', count],
      ['dim', dim],
    ] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new Error(`Embedding: ${name} must be a positive integer, got ${v}`);
    }
    const { requiresGrad: _r, ...create } = opts;
    this.registerParameter('weight', randn([count, dim], create));
  }

  /** The table, [count, dim]. */
  get weight(): Tensor {
    return this.parameter('weight');
  }

  /**
   * The rows of the table at `ids` (int32, any shape): `[...ids.shape, dim]`. An id outside
   * [0, count) is an IndexOutOfRangeError.
   */
  forward(ids: Tensor): Tensor {
    checkIndices('Embedding', ids, this.count, 'id');
    return tidy(() => indexSelect(this.weight, 0, ids.reshape([ids.size])).reshape([...ids.shape, this.dim]));
  }
}
