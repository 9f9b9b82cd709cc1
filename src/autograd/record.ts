// record(): how an op joins the graph. The op computes its output with plain kernels, then
// calls record with its inputs, the tensors its backward will need, and the backward itself.
// Nothing is recorded under noGrad() or when no input requires grad.
import type { Tensor } from '../tensor/tensor.js';
import { isGradEnabled } from './grad-mode.js';
import { Node, type BackwardFn, type Parent } from './node.js';

export function record(
  out: Tensor,
  op: string,
  inputs: readonly Tensor[],
  saved: readonly Tensor[],
  backward: BackwardFn,
): Tensor {
  if (!isGradEnabled() || !inputs.some((t) => t.requiresGrad)) return out;
  const parents: Parent[] = inputs.map((t) => {
    if (!t.requiresGrad) return null;
    if (t.node) {
      t.node.ref();
      return { node: t.node };
    }
    return { leaf: t };
  });
  out.node = new Node(
    op,
    parents,
    inputs.map((t) => t.shape),
    saved.map((t) => t.savedHandle()),
    backward,
  );
  out.requiresGrad = true;
  return out;
}
