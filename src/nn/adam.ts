// Adam (Kingma & Ba 2015) and AdamW: one fused kernel for every parameter at once where the
// backend can lay the parameters and the moments out in one allocation each (allocParts +
// adamParts), else one per parameter (see kernels/cpu/adam.ts for the maths).
import type { AdamDesc } from '../kernels/backend.js';
import { zeros } from '../tensor/creation.js';
import { packedCopies } from '../tensor/dispatch.js';
import { at } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { keep } from '../tensor/tidy.js';
import { checkHyper, Optimizer } from './optimizer.js';

/** Adam's settings; every one has PyTorch's default (ADAM_DEFAULTS). */
export interface AdamOptions {
  /** Learning rate (default 1e-3). */
  lr?: number;
  /** Decay rates of the first and second moment estimates (default [0.9, 0.999]). */
  betas?: [number, number];
  /** Added to the denominator for stability (default 1e-8). */
  eps?: number;
  /** Decoupled weight decay (AdamW); 0 by default. */
  weightDecay?: number;
}

/** Adam's defaults, as PyTorch's: lr 1e-3, betas (0.9, 0.999), eps 1e-8, no weight decay. */
export const ADAM_DEFAULTS: Readonly<Required<AdamOptions>> = Object.freeze({
  lr: 1e-3,
  betas: [0.9, 0.999] as [number, number],
  eps: 1e-8,
  weightDecay: 0,
});

/**
 * Adam (Kingma & Ba 2015), with decoupled weight decay (AdamW) when weightDecay > 0; one fused
 * kernel per parameter.
 *
 * @example
 * ```ts
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 * opt.lr = 3e-4; // any time between steps
 * ```
 */
export class Adam extends Optimizer {
  #beta1: number;
  #beta2: number;
  #eps: number;
  #weightDecay: number;
  private t = 0;
  private m: Tensor[];
  private v: Tensor[];
  /** The buffers of the last packing (parameters, m, v as parts of one allocation each). */
  private packed: { p: readonly unknown[]; m: readonly unknown[]; v: readonly unknown[] } | null = null;

  constructor(params: readonly Tensor[], opts: AdamOptions = {}) {
    super('Adam', params, opts.lr ?? ADAM_DEFAULTS.lr);
    [this.#beta1, this.#beta2] = opts.betas ?? ADAM_DEFAULTS.betas;
    this.#eps = opts.eps ?? ADAM_DEFAULTS.eps;
    this.#weightDecay = opts.weightDecay ?? ADAM_DEFAULTS.weightDecay;
    checkHyper('Adam', 'beta1', this.#beta1, 0, 1, true);
    checkHyper('Adam', 'beta2', this.#beta2, 0, 1, true);
    checkHyper('Adam', 'eps', this.#eps, 0);
    checkHyper('Adam', 'weightDecay', this.#weightDecay, 0);
    const like = (p: Tensor) => keep(zeros(p.shape, { dtype: p.dtype, backend: p.backend }));
    this.m = params.map(like);
    this.v = params.map(like);
  }

  /** Decay rate of the first moment estimate. */
  get beta1(): number {
    return this.#beta1;
  }
  /** Decay rate of the second moment estimate. */
  get beta2(): number {
    return this.#beta2;
  }
  /** Added to the denominator. */
  get eps(): number {
    return this.#eps;
  }
  /** Decoupled (AdamW) weight decay factor. */
  get weightDecay(): number {
    return this.#weightDecay;
  }
  /** Steps taken (the t of the bias corrections). */
  get stepCount(): number {
    return this.t;
  }

  step(): void {
    this.t++;
    const desc = {
      lr: this.lr,
      beta1: this.#beta1,
      beta2: this.#beta2,
      eps: this.#eps,
      weightDecay: this.#weightDecay,
      bias1: 1 - this.#beta1 ** this.t,
      bias2: 1 - this.#beta2 ** this.t,
    };
    if (this.stepAllAtOnce(desc)) return;
    this.params.forEach((p, i) => {
      if (!p.grad) return;
      p.backend.adam(p.buf, p.grad.buf, at(this.m, i).buf, at(this.v, i).buf, desc);
    });
  }

  /**
   * One dispatch for every parameter (WebGPU): the parameters, m and v each live in one
   * allocation. They are packed (copied there; each parameter tensor keeps its identity and
   * now points into the allocation) on the first step, and again if a parameter or moment was
   * replaced since (a checkpoint loaded, an assign). False when this cannot apply: the backend
   * has no adamParts, the parameters are not all float32 on one backend, or one has no gradient.
   */
  private stepAllAtOnce(desc: AdamDesc): boolean {
    const be = this.params[0]?.backend;
    if (!be?.adamParts || !be.allocParts) return false;
    if (!this.params.every((p) => p.backend === be && p.dtype === 'float32' && p.grad?.backend === be)) return false;
    const bufs = (ts: readonly Tensor[]) => ts.map((t) => t.buf);
    const same = (a: readonly unknown[], b: readonly unknown[]) =>
      a.length === b.length && a.every((x, i) => x === b[i]);
    const k = this.packed;
    if (!k || !same(k.p, bufs(this.params)) || !same(k.m, bufs(this.m)) || !same(k.v, bufs(this.v))) {
      const [p, m, v] = [packedCopies(this.params), packedCopies(this.m), packedCopies(this.v)];
      if (!p || !m || !v) return false;
      // each tensor keeps its identity (references from stateDict() stay valid): its storage moves
      for (const [tensors, parts] of [
        [this.params, p],
        [this.m, m],
        [this.v, v],
      ] as const) {
        tensors.forEach((t, i) => {
          t.assign(parts[i]!);
          parts[i]!.dispose();
        });
      }
      this.packed = { p: bufs(this.params), m: bufs(this.m), v: bufs(this.v) };
    }
    be.adamParts(
      bufs(this.params),
      this.params.map((p) => p.grad!.buf),
      bufs(this.m),
      bufs(this.v),
      desc,
    );
    return true;
  }

  stateTensors(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    this.params.forEach((_, i) => {
      out[`m.${i}`] = at(this.m, i);
      out[`v.${i}`] = at(this.v, i);
    });
    return out;
  }
  stateScalars(): Record<string, number> {
    return {
      lr: this.lr,
      beta1: this.#beta1,
      beta2: this.#beta2,
      eps: this.#eps,
      weightDecay: this.#weightDecay,
      step: this.t,
    };
  }
  loadState(tensors: Record<string, Tensor>, scalars: Record<string, number>): void {
    this.params.forEach((p, i) => {
      for (const [key, into] of [
        ['m', this.m],
        ['v', this.v],
      ] as const) {
        const t = tensors[`${key}.${i}`];
        if (!t || t.size !== p.size)
          throw new Error(`Adam.loadState: missing or mis-sized '${key}.${i}' for parameter ${p.describe()}`);
        if (into[i] !== t) into[i]?.dispose();
        into[i] = t;
      }
    });
    this.t = scalars.step ?? 0;
    if (scalars.lr !== undefined) this.lr = scalars.lr;
    if (scalars.beta1 !== undefined) this.#beta1 = scalars.beta1;
    if (scalars.beta2 !== undefined) this.#beta2 = scalars.beta2;
    if (scalars.eps !== undefined) this.#eps = scalars.eps;
    if (scalars.weightDecay !== undefined) this.#weightDecay = scalars.weightDecay;
  }
  protected stateShape(): Map<string, { like: Tensor; required: boolean }> {
    const out = new Map<string, { like: Tensor; required: boolean }>();
    this.params.forEach((p, i) => {
      out.set(`m.${i}`, { like: p, required: true });
      out.set(`v.${i}`, { like: p, required: true });
    });
    return out;
  }
}
