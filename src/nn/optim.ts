// Optimizers update parameters in place from their .grad, outside the graph.
//   SGD:  v = momentum v + g (+ wd p);  p -= lr v
//   Adam: one fused kernel per parameter (see kernels/cpu/adam.ts for the maths).
import { noGrad } from '../autograd/grad-mode.js';
import { zeros } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { keep, tidy } from '../tensor/tidy.js';

export abstract class Optimizer {
  constructor(readonly params: readonly Tensor[]) {
    params.forEach((p, i) => {
      if (!p.requiresGrad)
        throw new Error(`${this.constructor.name}: parameter ${i} ${p.describe()} does not require grad`);
    });
  }
  abstract step(): void;
  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad();
  }
  /** Named state tensors and counters, for checkpoints. */
  abstract stateTensors(): Record<string, Tensor>;
  abstract stateScalars(): Record<string, number>;
  abstract loadState(tensors: Record<string, Tensor>, scalars: Record<string, number>): void;
  dispose(): void {
    for (const t of Object.values(this.stateTensors())) t.dispose();
  }
}

function checkHyper(owner: string, name: string, v: number, lo: number, hi = Infinity, hiOpen = false): void {
  if (!(v >= lo && (hiOpen ? v < hi : v <= hi)))
    throw new Error(`${owner}: ${name} must be in [${lo}, ${hi}${hiOpen ? ')' : ']'}, got ${v}`);
}

export interface SGDOptions {
  lr: number;
  momentum?: number;
  weightDecay?: number;
}

export class SGD extends Optimizer {
  private velocity: (Tensor | null)[];
  readonly lr: number;
  readonly momentum: number;
  readonly weightDecay: number;

  constructor(params: readonly Tensor[], opts: SGDOptions) {
    super(params);
    this.lr = opts.lr;
    this.momentum = opts.momentum ?? 0;
    this.weightDecay = opts.weightDecay ?? 0;
    checkHyper('SGD', 'lr', this.lr, 0);
    checkHyper('SGD', 'momentum', this.momentum, 0, 1, true);
    checkHyper('SGD', 'weightDecay', this.weightDecay, 0);
    this.velocity = params.map(() => null);
  }

  step(): void {
    noGrad(() =>
      this.params.forEach((p, i) => {
        if (!p.grad) return;
        tidy(() => {
          let g = this.weightDecay ? p.grad!.add(p.mul(this.weightDecay)) : p.grad!;
          if (this.momentum) {
            const v = this.velocity[i] ? this.velocity[i]!.mul(this.momentum).add(g) : g.add(0);
            this.velocity[i]?.dispose();
            this.velocity[i] = keep(v);
            g = v;
          }
          p.assign(p.sub(g.mul(this.lr)));
        });
      }),
    );
  }

  stateTensors(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    this.velocity.forEach((v, i) => v && (out[`velocity.${i}`] = v));
    return out;
  }
  stateScalars(): Record<string, number> {
    return {};
  }
  loadState(tensors: Record<string, Tensor>): void {
    this.velocity = this.params.map((_, i) => tensors[`velocity.${i}`] ?? null);
  }
}

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  /** Decoupled weight decay (AdamW); 0 by default. */
  weightDecay?: number;
}

export class Adam extends Optimizer {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  private t = 0;
  private m: Tensor[];
  private v: Tensor[];

  constructor(params: readonly Tensor[], opts: AdamOptions = {}) {
    super(params);
    this.lr = opts.lr ?? 1e-3;
    [this.beta1, this.beta2] = opts.betas ?? [0.9, 0.999];
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    checkHyper('Adam', 'lr', this.lr, 0);
    checkHyper('Adam', 'beta1', this.beta1, 0, 1, true);
    checkHyper('Adam', 'beta2', this.beta2, 0, 1, true);
    checkHyper('Adam', 'eps', this.eps, 0);
    checkHyper('Adam', 'weightDecay', this.weightDecay, 0);
    const like = (p: Tensor) => keep(zeros(p.shape, { dtype: p.dtype, backend: p.backend }));
    this.m = params.map(like);
    this.v = params.map(like);
  }

  get stepCount(): number {
    return this.t;
  }

  step(): void {
    this.t++;
    const desc = {
      lr: this.lr,
      beta1: this.beta1,
      beta2: this.beta2,
      eps: this.eps,
      weightDecay: this.weightDecay,
      bias1: 1 - this.beta1 ** this.t,
      bias2: 1 - this.beta2 ** this.t,
    };
    this.params.forEach((p, i) => {
      if (!p.grad) return;
      p.backend.adam(p.buf, p.grad.buf, this.m[i]!.buf, this.v[i]!.buf, desc);
    });
  }

  stateTensors(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    this.params.forEach((_, i) => {
      out[`m.${i}`] = this.m[i]!;
      out[`v.${i}`] = this.v[i]!;
    });
    return out;
  }
  stateScalars(): Record<string, number> {
    return { step: this.t };
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
        into[i]!.dispose();
        into[i] = t;
      }
    });
    this.t = scalars.step ?? 0;
  }
}
