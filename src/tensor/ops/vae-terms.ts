// Fused ops for the terms of a VAE's ELBO (Kingma & Welling 2014): each is one or two kernels
// forward and one per input backward, from rows of the op table, where the same maths written
// with plain tensor ops takes 4–7 kernels each way. A last-axis sum makes them per example.
// Inputs broadcast as in every elementwise op (importance sampling draws k samples of z against
// one x), and their gradients are summed back to their own shapes.
//
//   reparameterize:  z = mu + exp(lv / 2) eps;     dmu = dz,  dlv = dz eps exp(lv / 2) / 2
//   klStdNormalSum:  Σ_j ½ (mu² + exp(lv) - 1 - lv); dmu = dy mu,  dlv = dy (exp(lv) - 1) / 2
//   bceWithLogitsSum: Σ_j max(l,0) - l t + log(1 + exp(-|l|));  dl = dy (σ(l) - t),  dt = -dy l
import { record } from '../../autograd/record.js';
import { runMap, runReduce } from '../dispatch.js';
import type { Tensor } from '../tensor.js';
import { sumToShape } from './sum-to-shape.js';

/** The inputs broadcast together (NumPy rules, as runMap does); a last axis to sum is needed. */
function needsAxis(op: string, ...xs: Tensor[]): void {
  if (xs.every((x) => x.rank < 1)) throw new Error(`${op}: the inputs are scalars; there is no last axis to sum`);
}

/** dy (one value per example: the shape without the last axis) lined up against the last axis. */
const perExample = (dy: Tensor): Tensor => dy.reshape([...dy.shape, 1]);

/** z = mu + exp(logvar / 2) · eps for a given eps (outside the graph: no gradient). */
export function reparameterizeWith(mu: Tensor, logvar: Tensor, eps: Tensor): Tensor {
  const [sm, sl] = [mu.shape, logvar.shape];
  const z = runMap('reparameterize', 'reparameterize', [mu, logvar, eps]);
  return record('reparameterize', [mu, logvar], z, [logvar, eps], (dz, [lv, e], needs) => [
    sumToShape(dz, sm),
    needs[1] ? sumToShape(runMap('reparameterize backward', 'reparameterizeGradLogvar', [dz, lv, e]), sl) : null,
  ]);
}

/** KL(N(mu, exp(logvar)) || N(0, I)) summed over the last axis: one value per example. */
export function klStdNormalSum(mu: Tensor, logvar: Tensor): Tensor {
  needsAxis('klToStandardNormal', mu, logvar);
  const [sm, sl] = [mu.shape, logvar.shape];
  const y = () => {
    const terms = runMap('klToStandardNormal', 'klStdNormal', [mu, logvar]);
    const sum = runReduce('sum', terms, [terms.rank - 1]);
    terms.dispose();
    return sum;
  };
  return record('klToStandardNormal', [mu, logvar], y, [mu, logvar], (dy, [m, lv], needs) => {
    const g = perExample(dy);
    return [
      needs[0] ? sumToShape(runMap('klToStandardNormal backward', 'mul', [g, m]), sm) : null,
      needs[1] ? sumToShape(runMap('klToStandardNormal backward', 'klStdNormalGradLogvar', [g, lv]), sl) : null,
    ];
  });
}

/** Binary cross-entropy from logits, summed over the last axis: one value per example. */
export function bceWithLogitsSum(logits: Tensor, targets: Tensor): Tensor {
  needsAxis('binaryCrossEntropyWithLogits', logits, targets);
  const [sl, st] = [logits.shape, targets.shape];
  const y = () => {
    const terms = runMap('binaryCrossEntropyWithLogits', 'bceWithLogits', [logits, targets]);
    const sum = runReduce('sum', terms, [terms.rank - 1]);
    terms.dispose();
    return sum;
  };
  return record('binaryCrossEntropyWithLogits', [logits, targets], y, [logits, targets], (dy, [l, t], needs) => {
    const g = perExample(dy);
    return [
      needs[0] ? sumToShape(runMap('binaryCrossEntropyWithLogits backward', 'bceWithLogitsGrad', [l, t, g]), sl) : null,
      needs[1] ? sumToShape(runMap('binaryCrossEntropyWithLogits backward', 'mul', [g, l]).neg(), st) : null,
    ];
  });
}
