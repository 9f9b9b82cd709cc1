// SGD with momentum and (L2) weight decay: v = momentum v + g (+ wd p);  p -= lr v
import { noGrad } from '../autograd/grad-mode.js';
import type { Tensor } from '../tensor/tensor.js';
import { keep, tidy } from '../tensor/tidy.js';
import { checkHyper, Optimizer } from './optimizer.js';

/** SGD's settings: the learning rate, and optionally momentum and (L2) weight decay (both 0 by default). */
export interface SGDOptions {
  /** The learning rate (required; settable later through `optimizer.lr`). */
  lr: number;
  /** Momentum factor in [0, 1) (default 0: none). */
  momentum?: number;
  /** L2 penalty: `weightDecay * p` is added to the gradient (default 0). */
  weightDecay?: number;
}

/**
 * Stochastic gradient descent with optional momentum and (L2) weight decay, as torch.optim.SGD.
 *
 * @example
 * ```ts
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * ```
 */
export class SGD extends Optimizer {
  private velocity: (Tensor | null)[];
  #momentum: number;
  #weightDecay: number;

  constructor(params: readonly Tensor[], opts: SGDOptions) {
    super('SGD', params, opts.lr);
    this.#momentum = opts.momentum ?? 0;
    this.#weightDecay = opts.weightDecay ?? 0;
    checkHyper('SGD', 'momentum', this.#momentum, 0, 1, true);
    checkHyper('SGD', 'weightDecay', this.#weightDecay, 0);
    this.velocity = params.map(() => null);
  }

  /** The momentum factor. */
  get momentum(): number {
    return this.#momentum;
  }
  /** The L2 weight decay factor. */
  get weightDecay(): number {
    return this.#weightDecay;
  }

  step(): void {
    const lr = this.lr;
    noGrad(() =>
      this.params.forEach((p, i) => {
        const grad = p.grad;
        if (!grad) return;
        tidy(() => {
          let g = this.#weightDecay ? grad.add(p.mul(this.#weightDecay)) : grad;
          if (this.#momentum) {
            const prev = this.velocity[i];
            const v = prev ? prev.mul(this.#momentum).add(g) : g.add(0);
            prev?.dispose();
            this.velocity[i] = keep(v);
            g = v;
          }
          p.assign(p.sub(g.mul(lr)));
        });
      }),
    );
  }

  stateTensors(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    this.velocity.forEach((v, i) => {
      if (v) out[`velocity.${i}`] = v;
    });
    return out;
  }
  stateScalars(): Record<string, number> {
    return { lr: this.lr, momentum: this.#momentum, weightDecay: this.#weightDecay };
  }
  loadState(tensors: Record<string, Tensor>, scalars: Record<string, number>): void {
    this.velocity.forEach((v, i) => {
      const next = tensors[`velocity.${i}`] ?? null;
      if (v && v !== next) v.dispose();
    });
    this.velocity = this.params.map((_, i) => tensors[`velocity.${i}`] ?? null);
    if (scalars.lr !== undefined) this.lr = scalars.lr;
    if (scalars.momentum !== undefined) this.#momentum = scalars.momentum;
    if (scalars.weightDecay !== undefined) this.#weightDecay = scalars.weightDecay;
  }
  protected stateShape(): Map<string, { like: Tensor; required: boolean }> {
    return new Map(this.params.map((p, i) => [`velocity.${i}`, { like: p, required: false }]));
  }
}
