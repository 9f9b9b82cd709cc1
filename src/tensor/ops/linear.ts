// The fused Linear layer: y = act(x Wᵀ + b) in one matmul dispatch (bias and activation in its
// epilogue). W is [out, in] as in PyTorch. With z = x Wᵀ + b and gz = dy * act'(z):
//   dx = gz W,  dW = gzᵀ x,  db = sum of gz over rows.
// act'(z) is read off the output by the activation's own backward (activationVjp), and db comes
// out of the dW product (the row sums of gzᵀ), so the backward is three dispatches at most.
import { record } from '../../autograd/record.js';
import type { Activation as FusedActivation } from '../../kernels/backend.js';
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { tidy } from '../tidy.js';
import { activationVjp } from './elementwise.js';
import { matmulRaw, matmulTransposedWithColumnSums } from './matmul.js';

/**
 * The activation of a Linear layer or an MLP: 'relu', 'sigmoid' and 'tanh' run fused in the
 * matmul's epilogue (their derivative is read off the output); 'gelu' and 'silu', whose
 * derivative needs the input, run as their own elementwise op after it.
 */
export type Activation = FusedActivation | 'gelu' | 'silu';

/**
 * y = act(x Wᵀ + b) (torch.nn.functional.linear followed by the activation): W is [out, in], x is
 * [..., in], b is [out] or absent.
 *
 * @example
 * ```ts
 * const h = linear(x, w, b, 'relu'); // one fused dispatch
 * ```
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null, activation: Activation = 'none'): Tensor {
  if (activation === 'gelu' || activation === 'silu') {
    return tidy(() => {
      const z = linear(x, weight, bias, 'none');
      return activation === 'gelu' ? z.gelu() : z.silu();
    });
  }
  if (weight.rank !== 2 || x.rank < 1 || x.shape[x.rank - 1] !== weight.shape[1]) {
    throw new Error(
      `linear: input ${fmt(x.shape)} does not match weight ${fmt(weight.shape)} ` +
        `([out, in] with in = the input's last dim)`,
    );
  }
  const [outF, inF] = weight.shape as [number, number];
  const x2 = x.rank === 2 ? x : x.reshape([-1, inF]);
  const y2 = matmulRaw('linear', x2, weight, { transB: true, bias: bias ?? undefined, activation });
  const y = x.rank === 2 ? y2 : y2.reshape([...x.shape.slice(0, -1), outF]);
  if (y !== y2) y2.dispose();
  if (x2 !== x) x2.dispose();
  const inputs: readonly Tensor[] = bias ? [x, weight, bias] : [x, weight];
  const xShape = x.shape;
  return record('linear', inputs, y, [x, weight, y], (dy, [x, w, y], needs) => {
    const gz = activationVjp(activation, dy.reshape([-1, outF]), y.reshape([-1, outF]));
    const dx = needs[0] ? matmulRaw('linear backward', gz, w).reshape([...xShape]) : null;
    const x2 = x.reshape([-1, inF]);
    if (!bias) return [dx, needs[1] ? matmulRaw('linear backward', gz, x2, { transA: true }) : null];
    // dW and db from one dispatch (db = the column sums of gz, made during the pass for gzᵀ x)
    const [dw, db] = matmulTransposedWithColumnSums('linear backward', gz, x2);
    return [dx, needs[1] ? dw : null, needs[2] ? db : null];
  });
}
