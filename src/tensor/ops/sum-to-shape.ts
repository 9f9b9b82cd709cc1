// The one place where broadcasting is undone in backward: a gradient of the broadcast output
// shape is summed over the axes that broadcasting added or stretched, back to the input's shape.
import type { Shape } from '../../kernels/backend.js';
import { withShape, runReduce } from '../dispatch.js';
import { fmt, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';

export function sumToShape(grad: Tensor, shape: Shape): Tensor {
  if (shapesEqual(grad.shape, shape)) return grad;
  const lead = grad.rank - shape.length;
  if (lead < 0) throw new Error(`internal: sumToShape ${fmt(grad.shape)} -> ${fmt(shape)}`);
  const axes: number[] = [];
  for (let i = 0; i < grad.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && grad.shape[i] !== 1)) axes.push(i);
  }
  return withShape(runReduce('sum', grad, axes), shape);
}
