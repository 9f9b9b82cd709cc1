// record(): how an op joins the graph. The op computes its output with plain kernels (or with
// other ops under noGrad), then calls record with its name, its inputs, the output, the tensors
// its backward will need, and the backward itself:
//
//   const y = runMap('exp', 'exp', [x]);
//   return record('exp', [x], y, [y], (dy, [y]) => [dy.mul(y)]);
//
// The saved tensors come back to the backward as the same tuple, typed, so it can destructure
// them without assertions. Nothing is recorded under noGrad() or when no input requires grad.
import type { Tensor } from '../tensor/tensor.js';
import { isGradEnabled, noGrad } from './grad-mode.js';
import { type BackwardFn, Node, type Parent } from './node.js';

/** One flag per input: true where that input needs a gradient. */
export type Needs<I extends readonly Tensor[]> = { readonly [K in keyof I]: boolean };
/** One gradient per input, each of that input's shape, dtype and backend; null for none. */
export type Grads<I extends readonly Tensor[]> = { readonly [K in keyof I]: Tensor | null };

/**
 * Records `output = op(inputs)` in the graph and returns output.
 *
 * - `output`: the result. If it was computed with recording ops, the graph they recorded is
 *   dropped for this op's; to not record it at all, compute it inside `noGrad`, or pass a
 *   function that computes it (record runs it under `noGrad`).
 * - `saved`: the tensors backward reads (inputs or the output); they live until `backward()`
 *   or until the output is disposed.
 * - `backward(dy, saved, needs)`: given the gradient of the output and the saved tensors (the
 *   same tuple), returns one gradient per input (null where `needs[i]` is false or the gradient
 *   is zero). A wrong count, shape, dtype or backend is an error naming the op and the input.
 *
 * @example
 * // y = x³;  dx = 3 x² dy
 * const cube = (x: Tensor) => record('cube', [x], x.pow(3), [x], (dy, [x]) => [dy.mul(x.square().mul(3))]);
 */
export function record<const I extends readonly Tensor[], const S extends readonly Tensor[]>(
  op: string,
  inputs: I,
  output: Tensor | (() => Tensor),
  saved: S,
  backward: (dy: Tensor, saved: S, needs: Needs<I>) => Grads<I>,
): Tensor {
  const out = typeof output === 'function' ? noGrad(output) : output;
  if (!isGradEnabled() || !inputs.some((t) => t.requiresGrad)) return out;
  if (inputs.includes(out)) {
    throw new Error(`record('${op}'): the output is one of the inputs; return a new tensor (e.g. x.detach())`);
  }
  // An output computed with recording ops already has a graph of its own; this op replaces it.
  out.node?.unref();
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
    inputs.map((t) => ({ id: t.id, shape: t.shape, dtype: t.dtype, backend: t.backend })),
    saved.map((t) => t.savedHandle()),
    // The node hands back exactly the handles of `saved`, in order: the tuple type holds.
    backward as unknown as BackwardFn,
  );
  out.requiresGrad = true;
  return out;
}
