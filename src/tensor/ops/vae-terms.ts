// Fused ops for the terms of a VAE's ELBO (Kingma & Welling 2014): each is one or two kernels
// forward and one per input backward, from rows of the op table, where the same maths written
// with plain tensor ops takes 4–7 kernels each way. A last-axis sum makes them per example.
// Inputs broadcast as in every elementwise op (importance sampling draws k samples of z against
// one x), and their gradients are summed back to their own shapes.
//
//   reparameterize:  z = mu + exp(lv / 2) eps;     dmu = dz,  dlv = dz eps exp(lv / 2) / 2
//   klStdNormalSum:  Σ_j ½ (mu² + exp(lv) - 1 - lv); dmu = dy mu,  dlv = dy (exp(lv) - 1) / 2
//   bceWithLogitsSum: Σ_j max(l,0) - l t + log(1 + exp(-|l|));  dl = dy (σ(l) - t),  dt = -dy l
//   klGaussiansSum:   Σ_j ½ (lp - lq + (exp(lq) + d²) exp(-lp) - 1), d = mu_q - mu_p;
//                     dd = dy d exp(-lp),  dlq = dy (exp(lq - lp) - 1) / 2,  dlp = -dlq - d dd / 2
import { record } from '../../autograd/record.js';
import { runMap, runMapSum } from '../dispatch.js';
import { broadcastShapes, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { sumToShape } from './sum-to-shape.js';

/** The inputs broadcast together (NumPy rules, as runMap does); a last axis to sum is needed. */
function needsAxis(op: string, ...xs: Tensor[]): void {
  if (xs.every((x) => x.rank < 1)) throw new Error(`${op}: the inputs are scalars; there is no last axis to sum`);
}

/**
 * How a term is reduced: 'example' sums the last axis (one value per example); 'batchMean'
 * also averages those over every other axis (the ELBO's batch mean) in the same kernel.
 */
export type TermReduction = 'example' | 'batchMean';

/**
 * Σ over the last axis of op(a, b) (and the mean over the rest for 'batchMean'), with the
 * factor its backward multiplies dy by: one kernel when a and b have one shape (mapSum), else
 * the broadcast map, then the sums.
 */
function reduceTerms(
  name: string,
  op: 'klStdNormal' | 'bceWithLogits' | 'klGaussians',
  inputs: readonly Tensor[],
  how: TermReduction,
): { y: () => Tensor; scale: number } {
  const shape = inputs.slice(1).reduce((sh, t) => broadcastShapes(name, sh, t.shape), inputs[0]!.shape);
  const rank = shape.length;
  const examples = shape.slice(0, -1).reduce((n, d) => n * d, 1);
  const scale = how === 'batchMean' ? 1 / Math.max(1, examples) : 1;
  const axes = how === 'batchMean' ? [...Array(rank).keys()] : [rank - 1];
  const y = () => {
    if (inputs.every((t) => shapesEqual(t.shape, inputs[0]!.shape)))
      return runMapSum(name, op, inputs, axes, { scale });
    const terms = runMap(name, op, inputs);
    const sums = runMapSum(name, 'identity', [terms], axes, { scale });
    terms.dispose();
    return sums;
  };
  return { y, scale };
}

/** dy lined up against the terms: per example over the last axis, or a scalar for the batch mean. */
const lineUp = (dy: Tensor, how: TermReduction): Tensor => (how === 'batchMean' ? dy : dy.reshape([...dy.shape, 1]));

/** z = mu + exp(logvar / 2) · eps for a given eps (outside the graph: no gradient). */
export function reparameterizeWith(mu: Tensor, logvar: Tensor, eps: Tensor): Tensor {
  const [sm, sl] = [mu.shape, logvar.shape];
  const z = runMap('reparameterize', 'reparameterize', [mu, logvar, eps]);
  return record('reparameterize', [mu, logvar], z, [logvar, eps], (dz, [lv, e], needs) => [
    sumToShape(dz, sm),
    needs[1] ? sumToShape(runMap('reparameterize backward', 'reparameterizeGradLogvar', [dz, lv, e]), sl) : null,
  ]);
}

/**
 * KL(N(mu, exp(logvar)) || N(0, I)) summed over the last axis: one value per example, or their
 * mean over the batch.
 */
export function klStdNormalSum(mu: Tensor, logvar: Tensor, how: TermReduction = 'example'): Tensor {
  needsAxis('klToStandardNormal', mu, logvar);
  const [sm, sl] = [mu.shape, logvar.shape];
  const { y, scale } = reduceTerms('klToStandardNormal', 'klStdNormal', [mu, logvar], how);
  return record('klToStandardNormal', [mu, logvar], y, [mu, logvar], (dy, [m, lv], needs) => {
    const g = lineUp(dy, how);
    return [
      needs[0] ? sumToShape(runMap('klToStandardNormal backward', 'scaledMul', [g, m], { param: scale }), sm) : null,
      needs[1]
        ? sumToShape(runMap('klToStandardNormal backward', 'klStdNormalGradLogvar', [g, lv], { param: scale }), sl)
        : null,
    ];
  });
}

/**
 * Binary cross-entropy from logits, summed over the last axis: one value per example, or their
 * mean over the batch.
 */
export function bceWithLogitsSum(logits: Tensor, targets: Tensor, how: TermReduction = 'example'): Tensor {
  needsAxis('binaryCrossEntropyWithLogits', logits, targets);
  const [sl, st] = [logits.shape, targets.shape];
  const { y, scale } = reduceTerms('binaryCrossEntropyWithLogits', 'bceWithLogits', [logits, targets], how);
  return record('binaryCrossEntropyWithLogits', [logits, targets], y, [logits, targets], (dy, [l, t], needs) => {
    const g = lineUp(dy, how);
    const name = 'binaryCrossEntropyWithLogits backward';
    return [
      needs[0] ? sumToShape(runMap(name, 'bceWithLogitsGrad', [l, t, g], { param: scale }), sl) : null,
      needs[1] ? sumToShape(runMap(name, 'scaledMul', [g, l], { param: -scale }), st) : null,
    ];
  });
}

/**
 * KL(N(mu_q, exp(lq)) || N(mu_p, exp(lp))) summed over the last axis, from d = mu_q - mu_p: one
 * value per example, or their mean over the batch. (d is an ordinary difference in the graph, so
 * its backward hands the gradient to both means.)
 */
export function klGaussiansSum(d: Tensor, lq: Tensor, lp: Tensor, how: TermReduction = 'example'): Tensor {
  needsAxis('klBetweenGaussians', d, lq, lp);
  const [sd, sq, sp] = [d.shape, lq.shape, lp.shape];
  const { y, scale } = reduceTerms('klBetweenGaussians', 'klGaussians', [d, lq, lp], how);
  return record('klBetweenGaussians', [d, lq, lp], y, [d, lq, lp], (dy, [dd, q, p], needs) => {
    const g = lineUp(dy, how);
    const name = 'klBetweenGaussians backward';
    // at the broadcast shape: the gradient by lp is made from the other two
    const byDiff = needs[0] || needs[2] ? runMap(name, 'klGaussiansGradDiff', [g, dd, p], { param: scale }) : null;
    const byLq = needs[1] || needs[2] ? runMap(name, 'klGaussiansGradLogvarQ', [g, q, p], { param: scale }) : null;
    const byLp = needs[2] ? runMap(name, 'klGaussiansGradLogvarP', [byLq!, dd, byDiff!]) : null;
    return [
      needs[0] ? sumToShape(byDiff!, sd) : null,
      needs[1] ? sumToShape(byLq!, sq) : null,
      byLp ? sumToShape(byLp, sp) : null,
    ];
  });
}
