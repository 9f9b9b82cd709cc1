// The common surface of the optimizers: they update parameters in place from their .grad,
// outside the graph. The learning rate lives here and only here: `lr` is read at every step() and
// may be set between steps (by hand or from a schedule), and it is saved with the rest of the
// optimizer's state (stateDict(), and the checkpoints `vae train` writes).
import { empty, runCopy } from '../tensor/dispatch.js';
import { contiguousStrides, fmt } from '../tensor/shape.js';
import { isTensor, type Tensor } from '../tensor/tensor.js';
import { keep } from '../tensor/tidy.js';

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

export function checkHyper(owner: string, name: string, v: number, lo: number, hi = Infinity, hiOpen = false): void {
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
