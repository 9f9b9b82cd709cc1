// Losses that compare a prediction with a target elementwise, and the reduction they share.
//   binary cross-entropy from logits, stable:
//     bce(l, x) = max(l, 0) - l x + log(1 + exp(-|l|))   (= -[x log σ(l) + (1-x) log(1-σ(l))])
//     one kernel forward;  dl = dy (σ(l) - x),  dx = -dy l.
//   mean squared error: (a - b)², its gradient from the ops it is made of.
import { record } from '../../autograd/record.js';
import { runMap } from '../dispatch.js';
import { fmt, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { tidy } from '../tidy.js';
import { sumToShape } from './sum-to-shape.js';

/** How a loss combines its per-element values: their mean (the default), their sum, or none (all of them). */
export type Reduction = 'none' | 'sum' | 'mean';

/** Options every loss takes. */
export interface LossOptions {
  /** 'mean' (default), 'sum', or 'none' for the per-element losses. */
  reduction?: Reduction;
}

/** The reduction asked for, checked. */
export function reductionOf(op: string, opts: LossOptions): Reduction {
  const r = opts.reduction ?? 'mean';
  if (r !== 'none' && r !== 'sum' && r !== 'mean')
    throw new Error(`${op}: reduction must be 'none', 'sum' or 'mean', got '${String(r)}'`);
  return r;
}

/** Per-element losses reduced as asked (inside a tidy: the per-element tensor is freed). */
export function reduceLoss(perElement: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return perElement;
  return reduction === 'sum' ? perElement.sum() : perElement.mean();
}

/**
 * Binary cross-entropy between sigmoid(logits) and targets in [0, 1], computed from the logits
 * without overflow (torch.nn.functional.binary_cross_entropy_with_logits). Shapes broadcast.
 *
 * @example
 * ```ts
 * const loss = binaryCrossEntropyWithLogits(logits, images, { reduction: 'sum' });
 * ```
 */
export function binaryCrossEntropyWithLogits(
  logits: Tensor,
  targets: Tensor,
  opts: { reduction?: Reduction } = {},
): Tensor {
  const reduction = opts.reduction ?? 'mean';
  if (!['none', 'sum', 'mean'].includes(reduction)) {
    throw new Error(
      `binaryCrossEntropyWithLogits: reduction must be 'none', 'sum' or 'mean', got '${String(reduction)}'`,
    );
  }
  const [sl, st] = [logits.shape, targets.shape];
  const y = runMap('binaryCrossEntropyWithLogits', 'bceWithLogits', [logits, targets]);
  const perElement = record(
    'binaryCrossEntropyWithLogits',
    [logits, targets],
    y,
    [logits, targets],
    (dy, [l, x], needs) => [
      needs[0] ? sumToShape(dy.mul(l.sigmoid().sub(x)), sl) : null,
      needs[1] ? sumToShape(dy.mul(l).neg(), st) : null,
    ],
  );
  if (reduction === 'none') return perElement;
  const reduced = reduction === 'sum' ? perElement.sum() : perElement.mean();
  perElement.dispose();
  return reduced;
}

/**
 * Mean squared error, `(input - target)²` per element (torch.nn.functional.mse_loss). The two
 * shapes must be equal: a silent broadcast of [N, 1] against [N] is a classic bug.
 *
 * @example
 * ```ts
 * const loss = mseLoss(model.forward(x), y); // scalar: the mean over all elements
 * ```
 */
export function mseLoss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  const reduction = reductionOf('mseLoss', opts);
  if (!shapesEqual(input.shape, target.shape))
    throw new Error(`mseLoss: input ${fmt(input.shape)} and target ${fmt(target.shape)} must have the same shape`);
  return tidy(() => reduceLoss(input.sub(target).square(), reduction));
}
