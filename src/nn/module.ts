// Module: a named tree of parameters, like torch.nn.Module but explicit — a module registers
// its parameters and children by name, so `namedParameters()` gives dotted names
// ("encoder.0.weight") that match what save/load and PyTorch use.
import { empty, runCopy } from '../tensor/dispatch.js';
import { at, contiguousStrides, fmt } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

/** Parameters by dotted name ("0.weight"), as `Module.stateDict()` gives and `loadStateDict` takes. */
export type StateDict = Record<string, Tensor>;

/**
 * A named tree of parameters, like `torch.nn.Module`: subclasses register their parameters
 * and child modules by name, so {@link Module.namedParameters} gives dotted names
 * (`"0.weight"`, `"encoder.1.bias"`) that {@link Module.stateDict}, safetensors files and PyTorch share.
 *
 * @example
 * ```ts
 * class TwoLayer extends Module {
 *   readonly hidden = this.registerModule('hidden', new Linear(784, 256, 'relu'));
 *   readonly out = this.registerModule('out', new Linear(256, 10));
 *   forward(x: Tensor): Tensor {
 *     return tidy(() => this.out.forward(this.hidden.forward(x)));
 *   }
 * }
 * ```
 */
export abstract class Module {
  private readonly params = new Map<string, Tensor>();
  private readonly children = new Map<string, Module>();
  /** True in training mode (the default), false after `eval()`: Dropout reads it. */
  training = true;

  /** Registers `t` as a parameter under `name` (marking it `requireGrad()`) and returns it. */
  protected registerParameter(name: string, t: Tensor): Tensor {
    if (this.params.has(name) || this.children.has(name)) throw new Error(`Module: '${name}' is registered twice`);
    this.params.set(name, t.requireGrad());
    return t;
  }

  /** A registered parameter by name (modules read their parameters through this). */
  protected parameter(name: string): Tensor {
    const p = this.params.get(name);
    if (!p) throw new Error(`Module: no parameter '${name}'`);
    return p;
  }

  /**
   * Runs fn with the parameters replaced, in namedParameters() order, by the given tensors, then
   * puts the originals back: a functional call, so gradcheck can differentiate with respect to
   * parameters it owns.
   */
  withParameters<T>(replacements: readonly Tensor[], fn: () => T): T {
    const slots: [Map<string, Tensor>, string, Tensor][] = [];
    const collect = (m: Module) => {
      for (const [n, p] of m.params) slots.push([m.params, n, p]);
      for (const c of m.children.values()) collect(c);
    };
    collect(this);
    if (replacements.length !== slots.length)
      throw new Error(`withParameters: ${replacements.length} tensors for ${slots.length} parameters`);
    replacements.forEach((r, i) => {
      const [map, n, p] = at(slots, i);
      if (r.shape.join() !== p.shape.join())
        throw new Error(`withParameters: '${n}' is ${p.describe()}, got ${r.describe()}`);
      map.set(n, r);
    });
    try {
      return fn();
    } finally {
      for (const [map, n, p] of slots) map.set(n, p);
    }
  }

  /** Registers a child module under `name` (its parameters become `name.*`) and returns it. */
  protected registerModule<M extends Module>(name: string, m: M): M {
    if (this.params.has(name) || this.children.has(name)) throw new Error(`Module: '${name}' is registered twice`);
    this.children.set(name, m);
    return m;
  }

  /** Every parameter with its dotted path, in registration order. */
  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, p] of this.params) out.push([prefix + n, p]);
    for (const [n, c] of this.children) out.push(...c.namedParameters(`${prefix}${n}.`));
    return out;
  }

  /** Every parameter, in `namedParameters()` order (what an optimizer takes). */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** The number of scalar weights in all parameters. */
  parameterCount(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /**
   * The parameters by their dotted names (as namedParameters()), in registration order: a plain
   * object without a prototype (save it with `encodeStateDict`, or `saveSafetensors` in Node).
   * The tensors are the module's own parameters, not copies — read or save them, but do not
   * dispose them.
   *
   * @example
   * ```ts
   * const bytes = await encodeStateDict(model.stateDict()); // save (safetensors bytes)
   * const { tensors } = decodeStateDict(bytes);
   * model.loadStateDict(tensors);                          // restore (the same architecture)
   * ```
   */
  stateDict(): StateDict {
    const out: StateDict = Object.create(null) as StateDict;
    for (const [name, p] of this.namedParameters()) out[name] = p;
    return out;
  }

  /**
   * Copies values into the parameters by name. Every name, shape and dtype is checked before
   * anything is written: missing and unexpected names are listed in the error (with
   * `strict: false`, only the names present in both are loaded). The values are copied, so the
   * caller still owns — and may dispose — the tensors of `state`. They must live on the module's
   * backend (move them with `await t.to(backend)`).
   */
  loadStateDict(state: Readonly<Record<string, Tensor>>, opts: { strict?: boolean } = {}): void {
    const strict = opts.strict ?? true;
    const own = this.namedParameters();
    const names = new Set(own.map(([n]) => n));
    const given = Object.keys(state);
    const missing = own.map(([n]) => n).filter((n) => !Object.hasOwn(state, n));
    const unexpected = given.filter((n) => !names.has(n));
    const who = this.constructor.name;
    if (strict && (missing.length || unexpected.length)) {
      const parts = [
        missing.length ? `missing ${missing.map((n) => `'${n}'`).join(', ')}` : '',
        unexpected.length ? `unexpected ${unexpected.map((n) => `'${n}'`).join(', ')}` : '',
      ].filter(Boolean);
      throw new Error(
        `${who}.loadStateDict: ${parts.join('; ')} (the module has ${[...names].join(', ') || 'no parameters'})`,
      );
    }
    const pairs = own.flatMap(([n, p]) => {
      const t = Object.hasOwn(state, n) ? state[n] : undefined;
      return t ? [[n, p, t] as const] : [];
    });
    for (const [n, p, t] of pairs) {
      if (t.isDisposed) throw new Error(`${who}.loadStateDict: '${n}' was disposed`);
      if (fmt(t.shape) !== fmt(p.shape) || t.dtype !== p.dtype)
        throw new Error(
          `${who}.loadStateDict: '${n}' is ${t.dtype}${fmt(t.shape)}, the module's is ${p.dtype}${fmt(p.shape)}`,
        );
      if (t.backend !== p.backend)
        throw new Error(
          `${who}.loadStateDict: '${n}' lives on ${t.backend.name}, the module's parameter on ` +
            `${p.backend.name}; move it with await t.to(...)`,
        );
    }
    for (const [, p, t] of pairs) {
      const copy = empty(p.backend, p.shape, p.dtype);
      const dense = { offset: 0, strides: contiguousStrides(p.shape) };
      runCopy(t, dense, copy, dense, p.shape);
      p.assign(copy);
      copy.dispose();
    }
  }

  /** Sets training mode on this module and every child (`train(false)` is `eval()`); returns this. */
  train(on = true): this {
    this.training = on;
    for (const c of this.children.values()) c.train(on);
    return this;
  }

  /** Evaluation mode on this module and every child (Dropout passes its input through); returns this. */
  eval(): this {
    return this.train(false);
  }

  /** Clears the gradient of every parameter (optimizers' `zeroGrad()` does the same). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /** Frees every parameter (and its gradient). */
  dispose(): void {
    for (const p of this.parameters()) p.dispose();
  }
}
