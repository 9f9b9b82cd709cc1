// Classification losses over a class axis (axis 1, or axis 0 for a single unbatched example),
// as in PyTorch:
//   nllLoss(logp, t)        = -logp[n, t[n]]                    (picked by gather)
//   crossEntropy(logits, t) = nllLoss(logSoftmax(logits), t)   (stable: logSoftmax subtracts the max)
// With class probabilities p instead of indices, crossEntropy = -Σ_c p_c logSoftmax(logits)_c.
// Their gradients come from the ops they are built of: gather's scatter-add and logSoftmax's
// backward give d crossEntropy / d logits = softmax(logits) - onehot(t), divided by N for 'mean'.
import { checkIndices } from '../indices.js';
import { fmt, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { tidy } from '../tidy.js';
import { gather } from './indexing.js';
import { type LossOptions, type Reduction, reduceLoss, reductionOf } from './loss.js';

/** The class axis of a loss input: 1 for [N, C, ...], 0 for a single example [C]. */
function classAxis(op: string, input: Tensor): number {
  if (input.rank === 0) throw new Error(`${op}: input ${input.describe()} has no class axis ([C] or [N, C, ...])`);
  return input.rank === 1 ? 0 : 1;
}

/** Class-index targets: the input's shape without the class axis, values in [0, C). */
function checkIndexTarget(op: string, input: Tensor, target: Tensor, axis: number): void {
  const want = input.shape.filter((_, k) => k !== axis);
  if (!shapesEqual(target.shape, want)) {
    throw new Error(
      `${op}: target ${fmt(target.shape)} does not fit input ${fmt(input.shape)} (class ` +
        `indices of shape ${fmt(want)}, one per example)`,
    );
  }
  checkIndices(op, target, input.shape[axis] ?? 0, 'class');
}

/** -logProbs at the target classes, reduced; the target is already checked. */
function pickNegated(logProbs: Tensor, target: Tensor, axis: number, reduction: Reduction): Tensor {
  return tidy(() => {
    const column = target.reshape(logProbs.shape.map((d, k) => (k === axis ? 1 : d)));
    const picked = gather(logProbs, axis, column).reshape([...target.shape]);
    return reduceLoss(picked.neg(), reduction);
  });
}

/**
 * Negative log-likelihood of int32 class indices under log-probabilities
 * (torch.nn.functional.nll_loss): `-logProbs[n, target[n]]`, then the reduction ('mean' by
 * default: the average over examples). logProbs is [N, C] (or [N, C, d1, ...], or [C] with a 0-d
 * target); target is int32 of shape [N] (or [N, d1, ...]) with values in [0, C) (a class outside
 * is an IndexOutOfRangeError naming the value and its position).
 *
 * @example
 * ```ts
 * const loss = nllLoss(logits.logSoftmax(1), labels); // = crossEntropy(logits, labels)
 * ```
 */
export function nllLoss(logProbs: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  const reduction = reductionOf('nllLoss', opts);
  const axis = classAxis('nllLoss', logProbs);
  if (target.dtype !== 'int32')
    throw new Error(`nllLoss: target must hold int32 class indices, got ${target.describe()}`);
  checkIndexTarget('nllLoss', logProbs, target, axis);
  return pickNegated(logProbs, target, axis, reduction);
}

/**
 * Cross-entropy between logits and targets (torch.nn.functional.cross_entropy), computed
 * stably through logSoftmax. The target is either int32 class indices (shape: the logits'
 * without the class axis, values in [0, C)) or float class probabilities of the logits' shape.
 * logits are [N, C] (or [N, C, d1, ...], or [C]); 'mean' averages over examples.
 *
 * @example
 * ```ts
 * const logits = model.forward(images);          // [batch, 10]
 * const loss = crossEntropy(logits, labels);     // labels: int32 [batch]
 * loss.backward();
 * ```
 */
export function crossEntropy(logits: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  const reduction = reductionOf('crossEntropy', opts);
  const axis = classAxis('crossEntropy', logits);
  if (target.dtype === 'int32') {
    checkIndexTarget('crossEntropy', logits, target, axis);
    return tidy(() => pickNegated(logits.logSoftmax(axis), target, axis, reduction));
  }
  if (!shapesEqual(target.shape, logits.shape)) {
    throw new Error(
      `crossEntropy: target ${target.describe()} is neither int32 class indices of shape ` +
        `${fmt(logits.shape.filter((_, k) => k !== axis))} nor class probabilities ` +
        `of the logits' shape ${fmt(logits.shape)}`,
    );
  }
  return tidy(() => reduceLoss(target.mul(logits.logSoftmax(axis)).sum(axis).neg(), reduction));
}
