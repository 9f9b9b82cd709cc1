// Gradient clipping by the global L2 norm (as torch.nn.utils.clip_grad_norm_):
//   total = sqrt(Σ_p Σ g_p²),   every g_p *= min(1, maxNorm / (total + 1e-6)).
// Everything stays on the device: the norm comes back as a 0-d tensor, so a training step that
// clips still enqueues without a readback; read it (await norm.item()) only when you log it.
import { noGrad } from '../autograd/grad-mode.js';
import { currentBackend } from '../tensor/backends.js';
import { full, zeros } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { tidy } from '../tensor/tidy.js';

/**
 * Scales the gradients of `params` in place so that their global L2 norm is at most `maxNorm`,
 * and returns the norm before clipping as a 0-d tensor (which the caller owns; inside `tidy` it is
 * freed with the rest). Parameters without a gradient are skipped. If the norm is NaN or infinite
 * the gradients become NaN, as in PyTorch by default: check the returned norm if that can happen.
 *
 * @example
 * ```ts
 * loss.backward();
 * const norm = clipGradNorm(model.parameters(), 1.0);
 * opt.step();
 * if (step % 100 === 0) console.log('grad norm', await norm.item());
 * ```
 */
export function clipGradNorm(params: readonly Tensor[], maxNorm: number): Tensor {
  if (!Number.isFinite(maxNorm) || maxNorm < 0)
    throw new Error(`clipGradNorm: maxNorm must be a finite number >= 0, got ${maxNorm}`);
  const grads = params.flatMap((p) => (p.grad ? [p.grad] : []));
  const first = grads[0];
  if (!first) return zeros([], { backend: params[0]?.backend ?? currentBackend() });
  return noGrad(() => {
    const total = tidy(() => {
      let sumSquares = first.square().sum();
      for (const g of grads.slice(1)) sumSquares = sumSquares.add(g.square().sum());
      return sumSquares.sqrt();
    });
    tidy(() => {
      const scale = full([], maxNorm, { dtype: total.dtype, backend: total.backend }).div(total.add(1e-6)).minimum(1);
      for (const g of grads) g.assign(g.mul(scale));
    });
    return total;
  });
}
