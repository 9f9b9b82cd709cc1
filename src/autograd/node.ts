// A Node is one recorded op in the graph: which tensors fed it, what it saved for its backward,
// and the backward itself (the vector-Jacobian product, written with other ops).
//
// Nodes are reference-counted by the tensors they produced and by the nodes downstream of them.
// When the last such reference goes (the tensors were disposed, e.g. by tidy), the saved tensors
// are released at once; backward() releases them too. So a graph never holds GPU memory longer
// than something that could still call backward() through it.
import type { Backend, DType } from '../kernels/backend.js';
import type { Tensor } from '../tensor/tensor.js';

export type Parent = { node: Node } | { leaf: Tensor } | null;

/** What a node remembers of each input: enough to check the gradient its backward returns. */
export interface InputInfo {
  readonly id: number;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly backend: Backend;
}

/**
 * Given the gradient of the op's output, the tensors it saved, and which inputs need a gradient,
 * returns one gradient per input (null where none is needed), each of that input's shape.
 * `record` types `saved` as the tuple the op saved; here, inside the graph, it is a plain list.
 */
export type BackwardFn<S extends readonly Tensor[] = readonly Tensor[]> = (
  grad: Tensor,
  saved: S,
  needs: readonly boolean[],
) => readonly (Tensor | null)[];

export class Node {
  private refs = 1;
  private saved: Tensor[] | null;
  private freedBy: 'backward' | 'dispose' | null = null;

  constructor(
    readonly op: string,
    readonly parents: readonly Parent[],
    readonly inputs: readonly InputInfo[],
    saved: Tensor[],
    readonly backward: BackwardFn,
  ) {
    this.saved = saved;
  }

  get needs(): boolean[] {
    return this.parents.map((p) => p !== null);
  }

  ref(): void {
    this.refs++;
  }

  unref(): void {
    if (--this.refs > 0) return;
    this.release('dispose');
    for (const p of this.parents) if (p && 'node' in p) p.node.unref();
  }

  savedTensors(): Tensor[] {
    if (!this.saved) {
      throw new Error(
        this.freedBy === 'backward'
          ? `backward: the graph through '${this.op}' was already used by an earlier backward() ` +
              'and its saved tensors freed'
          : `backward: the graph through '${this.op}' was freed because the tensors computed from it were disposed`,
      );
    }
    return this.saved;
  }

  release(by: 'backward' | 'dispose'): void {
    if (!this.saved) return;
    for (const t of this.saved) t.dispose();
    this.saved = null;
    this.freedBy = by;
  }
}
