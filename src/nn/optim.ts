// Optimizers update parameters in place from their .grad, outside the graph.
//   SGD:  v = momentum v + g (+ wd p);  p -= lr v
//   Adam: one fused kernel for every parameter at once where the backend can lay the parameters
//   and the moments out in one allocation each (allocParts + adamParts), else one per parameter
//   (see kernels/cpu/adam.ts for the maths).
// The learning rate lives here and only here: `lr` is read at every step() and may be set
// between steps (by hand or from a schedule), and it is saved with the rest of the optimizer's
// state (stateDict(), and the checkpoints `vae train` writes).
import { noGrad } from '../autograd/grad-mode.js';
import type { AdamDesc } from '../kernels/backend.js';
import { zeros } from '../tensor/creation.js';
import { empty, packedCopies, runCopy } from '../tensor/dispatch.js';
import { at, contiguousStrides, fmt } from '../tensor/shape.js';
import { isTensor, type Tensor } from '../tensor/tensor.js';
import { keep, tidy } from '../tensor/tidy.js';

/**
 * An optimizer's state as plain data: what `optimizer.stateDict()` gives and `loadStateDict`
 * takes. Tensors are named by the parameter's position in the optimizer's list ('m.0', 'v.0' are
 * Adam's moments of the first parameter; 'velocity.0' SGD's momentum buffer).
 */
export interface OptimizerStateDict {
  /** Which optimizer wrote it ('Adam' or 'SGD'); loading it into another kind is refused. */
  kind: string;
  /** The hyperparameters (lr included) and counters (Adam's step), all finite numbers. */
  scalars: Record<string, number>;
  /**
   * The state tensors by name. In a dict from stateDict() they are the optimizer's own: save them, don't dispose them.
   */
  tensors: Record<string, Tensor>;
}

function checkHyper(owner: string, name: string, v: number, lo: number, hi = Infinity, hiOpen = false): void {
  if (!Number.isFinite(v) || !(v >= lo && (hiOpen ? v < hi : v <= hi)))
    throw new Error(`${owner}: ${name} must be in [${lo}, ${hi}${hiOpen ? ')' : ']'}, got ${v}`);
}

/** A copy of src into a new tensor on dst's backend, dtype and shape. */
function copyOf(src: Tensor, like: Tensor): Tensor {
  const out = empty(like.backend, like.shape, like.dtype);
  const dense = { offset: 0, strides: contiguousStrides(like.shape) };
  runCopy(src, dense, out, dense, like.shape);
  return out;
}

/**
 * The common surface of SGD and Adam: the parameters, a learning rate you may change between
 * steps, zeroGrad/step, and the state in stateDict form.
 *
 * @example
 * ```ts
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 * for (const [step, batch] of batches.entries()) {
 *   opt.lr = schedule(step); // optional: a schedule, or any number >= 0
 *   tidy(() => {
 *     opt.zeroGrad();
 *     crossEntropy(model.forward(batch.x), batch.y).backward();
 *     opt.step();
 *   });
 * }
 * ```
 */
export abstract class Optimizer {
  #lr: number;

  constructor(
    /** 'SGD' or 'Adam': names the optimizer in errors and in its state dict. */
    readonly kind: string,
    /** The parameters this optimizer updates (in the order its state tensors are numbered). */
    readonly params: readonly Tensor[],
    lr: number,
  ) {
    if (!Array.isArray(params) || params.length === 0)
      throw new Error(`${kind}: expected a non-empty list of parameters, got ${Array.isArray(params) ? '[]' : params}`);
    params.forEach((p, i) => {
      if (!isTensor(p)) throw new Error(`${kind}: parameter ${i} is not a tensor (${typeof p})`);
      if (!p.requiresGrad) throw new Error(`${kind}: parameter ${i} ${p.describe()} does not require grad`);
    });
    checkHyper(kind, 'lr', lr, 0);
    this.#lr = lr;
  }

  /** The learning rate the next step() uses. Set it between steps; it must be finite and >= 0. */
  get lr(): number {
    return this.#lr;
  }
  /** Sets the learning rate for the following steps (finite, >= 0; anything else is an error). */
  set lr(value: number) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      throw new Error(`${this.kind}: lr must be a finite number >= 0, got ${String(value)}`);
    this.#lr = value;
  }

  /** Updates every parameter that has a gradient. Enqueues kernels only: no readback. */
  abstract step(): void;

  /** Drops every parameter's gradient (the next backward() starts from zero). */
  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad();
  }

  /** @internal Named state tensors (the optimizer's own), for checkpoints. Prefer stateDict(). */
  abstract stateTensors(): Record<string, Tensor>;
  /** @internal Hyperparameters (lr included) and counters, for checkpoints. Prefer stateDict(). */
  abstract stateScalars(): Record<string, number>;
  /**
   * @internal Restores state, TAKING OWNERSHIP of the given tensors (checkpoint loading builds
   * them for this). Scalars absent from `scalars` keep their values. Prefer loadStateDict().
   */
  abstract loadState(tensors: Record<string, Tensor>, scalars: Record<string, number>): void;

  /** @internal The state tensors this optimizer expects: name -> [parameter, required]. */
  protected abstract stateShape(): Map<string, { like: Tensor; required: boolean }>;

  /**
   * The optimizer's state: its kind, hyperparameters (lr included), counters, and state tensors.
   * The tensors are the optimizer's own: save them (encodeStateDict), don't dispose them.
   *
   * @example
   * ```ts
   * const state = opt.stateDict();
   * const meta = JSON.stringify({ kind: state.kind, scalars: state.scalars });
   * const bytes = await encodeStateDict(state.tensors, { optimizer: meta });
   * ```
   */
  stateDict(): OptimizerStateDict {
    return { kind: this.kind, scalars: { ...this.stateScalars() }, tensors: { ...this.stateTensors() } };
  }

  /**
   * Restores a state from stateDict() (of an optimizer of the same kind over parameters of the
   * same shapes, in the same order), learning rate included. Everything is checked before
   * anything changes; the values are copied (into the optimizer's existing state tensors where it
   * has them), so the caller still owns `state.tensors`.
   */
  loadStateDict(state: OptimizerStateDict): void {
    const who = `${this.kind}.loadStateDict`;
    if (state.kind !== this.kind) throw new Error(`${who}: the state is from ${state.kind}, not ${this.kind}`);
    const expected = this.stateShape();
    const ownScalars = this.stateScalars();
    for (const [name, v] of Object.entries(state.scalars)) {
      if (!Object.hasOwn(ownScalars, name))
        throw new Error(
          `${who}: unexpected scalar '${name}' (the ${this.kind} state has ${Object.keys(ownScalars).join(', ')})`,
        );
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${who}: scalar '${name}' is ${String(v)}`);
    }
    const unexpected = Object.keys(state.tensors).filter((n) => !expected.has(n));
    const missing = [...expected].filter(([n, e]) => e.required && !Object.hasOwn(state.tensors, n)).map(([n]) => n);
    if (unexpected.length || missing.length) {
      const parts = [
        missing.length ? `missing ${missing.map((n) => `'${n}'`).join(', ')}` : '',
        unexpected.length ? `unexpected ${unexpected.map((n) => `'${n}'`).join(', ')}` : '',
      ].filter(Boolean);
      throw new Error(`${who}: ${parts.join('; ')} (state tensors for ${this.params.length} parameters)`);
    }
    const copies: Record<string, Tensor> = {};
    const checked: [Tensor, Tensor, string][] = [];
    for (const [name, t] of Object.entries(state.tensors)) {
      const like = expected.get(name)?.like;
      if (!like) continue; // (refused above)
      checked.push([t, like, name]);
      if (t.isDisposed) throw new Error(`${who}: '${name}' was disposed`);
      if (fmt(t.shape) !== fmt(like.shape) || t.dtype !== like.dtype)
        throw new Error(
          `${who}: '${name}' is ${t.dtype}${fmt(t.shape)}, its parameter ${like.dtype}${fmt(like.shape)}`,
        );
      if (t.backend !== like.backend)
        throw new Error(`${who}: '${name}' lives on ${t.backend.name}, its parameter on ${like.backend.name}`);
    }
    // into the existing state tensors where there are some (references from an earlier
    // stateDict() stay valid), into new ones otherwise (SGD's velocity before its first step)
    const own = this.stateTensors();
    for (const [t, like, name] of checked) {
      const target = own[name];
      if (target) {
        if (target !== t) {
          const dense = { offset: 0, strides: contiguousStrides(like.shape) };
          runCopy(t, dense, target, dense, like.shape);
        }
        copies[name] = target;
      } else copies[name] = keep(copyOf(t, like));
    }
    this.loadState(copies, state.scalars);
  }

  /** Frees the optimizer's state tensors (not the parameters). */
  dispose(): void {
    for (const t of Object.values(this.stateTensors())) t.dispose();
  }
}

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
