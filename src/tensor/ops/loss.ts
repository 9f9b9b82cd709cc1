// Binary cross-entropy from logits, in the stable form
//   bce(l, x) = max(l, 0) - l x + log(1 + exp(-|l|))      (= -[x log σ(l) + (1-x) log(1-σ(l))])
// one kernel forward;  dl = dy (σ(l) - x),  dx = -dy l.
import { record } from '../../autograd/record.js';
import { runMap } from '../dispatch.js';
import type { Tensor } from '../tensor.js';
import { sumToShape } from './sum-to-shape.js';

export type Reduction = 'none' | 'sum' | 'mean';

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
