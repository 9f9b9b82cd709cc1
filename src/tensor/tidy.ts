// tidy(fn): every tensor created inside fn and not returned by it is disposed when fn returns
// (or throws). Returned tensors move to the enclosing scope. keep(t) exempts a tensor.
// The rules of who owns what: docs/memory.md.
import { callSite } from './lifetime.js';
import { Tensor } from './tensor.js';

const scopes: Set<Tensor>[] = [];

export function trackInScope(t: Tensor): void {
  const scope = scopes[scopes.length - 1];
  if (scope) {
    scope.add(t);
    t.scope = scope;
  }
}

/**
 * Takes t out of every tidy scope: it lives until disposed by hand (a model's parameters,
 * a running total across steps).
 */
export function keep<T extends Tensor>(t: T): T {
  t.scope?.delete(t);
  t.scope = null;
  return t;
}

/** What a {@link tidy} function may return: a tensor, plain values, or arrays and objects of them (kept). */
export type TidyResult =
  | Tensor
  // biome-ignore lint/suspicious/noConfusingVoidType: tidy(() => { ... }) returns void
  | void
  | undefined
  | number
  | string
  | boolean
  | null
  | readonly unknown[]
  | { [key: string]: unknown };

/** The tensors in a returned value: a tensor, or arrays / plain objects of them. */
function collect(value: unknown, into: Set<Tensor>, depth = 0): void {
  if (depth > 4 || value === null || typeof value !== 'object') return;
  if (value instanceof Tensor) into.add(value);
  else if (Array.isArray(value)) for (const v of value) collect(v, into, depth + 1);
  else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collect(v, into, depth + 1);
  }
}

/**
 * Runs fn and frees every tensor created inside it that it does not return — when it returns, or
 * when it throws. Returned tensors (alone, or in arrays and plain objects) move to the enclosing
 * tidy, or become the caller's. fn must be synchronous. See docs/memory.md.
 *
 * @example
 * ```ts
 * const loss = tidy(() => {
 *   opt.zeroGrad();
 *   const loss = crossEntropy(model.forward(x), labels);
 *   loss.backward();
 *   opt.step();
 *   return loss; // everything else created in here is freed
 * });
 * ```
 */
export function tidy<T extends TidyResult>(fn: () => T): T {
  if (typeof fn !== 'function') throw new Error(`tidy: expected a function to run, got ${typeof fn}`);
  const scope = new Set<Tensor>();
  const at = callSite();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (err) {
    scopes.pop();
    for (const t of scope) t.disposeBy({ by: 'tidy', threw: true, at });
    throw err;
  }
  scopes.pop();
  if (result instanceof Promise) {
    for (const t of scope) t.disposeBy({ by: 'tidy', threw: true, at });
    throw new Error('tidy: fn must be synchronous (it returned a Promise); await outside tidy');
  }
  const kept = new Set<Tensor>();
  collect(result, kept);
  for (const t of scope) {
    if (kept.has(t)) {
      t.scope = null;
      trackInScope(t);
    } else t.disposeBy({ by: 'tidy', threw: false, at });
  }
  return result;
}
