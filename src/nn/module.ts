// Module: a named tree of parameters, like torch.nn.Module but explicit — a module registers
// its parameters and children by name, so `namedParameters()` gives dotted names
// ("encoder.0.weight") that match what save/load and PyTorch use.
import type { Tensor } from '../tensor/tensor.js';

export abstract class Module {
  private readonly params = new Map<string, Tensor>();
  private readonly children = new Map<string, Module>();
  training = true;

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
    slots.forEach(([map, n, p], i) => {
      const r = replacements[i]!;
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

  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  parameterCount(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  train(on = true): this {
    this.training = on;
    for (const c of this.children.values()) c.train(on);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /** Frees every parameter (and its gradient). */
  dispose(): void {
    for (const p of this.parameters()) p.dispose();
  }
}
