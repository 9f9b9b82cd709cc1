// What a backward returned, checked before any of it is accumulated: one gradient (or null)
// per input, each a live tensor of that input's shape, dtype and backend. Built-in ops always
// pass; the checks are for ops users write with record(), where a mistake would otherwise
// surface as a TypeError deep inside backward() or as a wrong-shaped gradient much later.
import { fmt, shapesEqual } from '../tensor/shape.js';
import { isTensor, type Tensor } from '../tensor/tensor.js';
import type { InputInfo, Node } from './node.js';

function describeValue(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (isTensor(v)) return v.isDisposed ? `a disposed tensor ${v.describe()}` : `a tensor ${v.describe()}`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return `a ${typeof v}`;
}

const describeInput = (info: InputInfo, i: number): string =>
  `input ${i} (#${info.id} ${info.dtype}${fmt(info.shape)} on ${info.backend.name})`;

/**
 * The gradients `returned` by node's backward, or an error naming the op, the input and the
 * shapes. `disposeOwn` is called on the returned tensors the backward created before throwing.
 */
export function checkGrads(
  node: Node,
  returned: unknown,
  disposeOwn: (grads: readonly unknown[]) => void,
): readonly (Tensor | null)[] {
  const n = node.inputs.length;
  const expected = `one gradient (a tensor, or null for none) per input: ${n} in all`;
  const fail = (what: string): never => {
    disposeOwn(Array.isArray(returned) ? returned : [returned]);
    throw new Error(`backward of '${node.op}' ${what}`);
  };
  if (!Array.isArray(returned))
    return fail(`returned ${describeValue(returned)}; it must return an array with ${expected}`);
  if (returned.length !== n) {
    const inputs = node.inputs.map((info) => `${info.dtype}${fmt(info.shape)}`).join(', ');
    return fail(`returned ${returned.length} gradients for its ${n} inputs (${inputs}); it must return ${expected}`);
  }
  for (const [i, g] of returned.entries()) {
    const info = node.inputs[i];
    if (g === null || !info) continue;
    const input = describeInput(info, i);
    if (!isTensor(g) || g.isDisposed) {
      fail(
        `returned ${describeValue(g)} as the gradient of ${input}; expected a ` +
          `tensor of shape ${fmt(info.shape)} or null`,
      );
    } else if (!shapesEqual(g.shape, info.shape) || g.dtype !== info.dtype || g.backend !== info.backend) {
      fail(
        `returned a gradient ${g.dtype}${fmt(g.shape)} on ${g.backend.name} for ${input}: ` +
          'a gradient must have the shape, dtype and backend of its input',
      );
    }
  }
  return returned as readonly (Tensor | null)[];
}
