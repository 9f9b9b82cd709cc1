// Reverse-mode autodiff: walk the graph from the root in reverse topological order, hand each
// node the gradient of its output, and accumulate what it returns into its inputs' gradients
// (into .grad for leaves). Saved tensors are released as soon as the walk is over.
import { ones } from '../tensor/creation.js';
import { fmt, shapesEqual } from '../tensor/shape.js';
import { isTensor, nextTensorId, type Tensor } from '../tensor/tensor.js';
import { keep, tidy } from '../tensor/tidy.js';
import { noGrad } from './grad-mode.js';
import { checkGrads } from './check-grads.js';
import type { Node } from './node.js';

/** Nodes reachable from root, each after every node that consumes it. */
function topologicalOrder(root: Node): Node[] {
  const order: Node[] = [];
  const seen = new Set<Node>();
  const stack: [Node, boolean][] = [[root, false]];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [node, expanded] = top;
    if (expanded) {
      order.push(node);
      continue;
    }
    if (seen.has(node)) continue;
    seen.add(node);
    stack.push([node, true]);
    for (const p of node.parents) if (p && 'node' in p && !seen.has(p.node)) stack.push([p.node, false]);
  }
  return order.reverse();
}

function accumulateLeaf(leaf: Tensor, grad: Tensor): void {
  if (leaf.isDisposed) {
    grad.dispose();
    return;
  }
  if (leaf.grad) {
    const sum = leaf.grad.add(grad);
    leaf.grad.dispose();
    grad.dispose();
    leaf.grad = keep(sum);
  } else leaf.grad = keep(grad);
}

/**
 * Runs node's backward on grad and hands each input its gradient: accumulated into a leaf's
 * .grad, or into `grads` for an upstream node.
 */
function propagate(node: Node, grad: Tensor, grads: Map<Node, Tensor>): void {
  const saved = node.savedTensors();
  const firstNew = nextTensorId();
  const createdHere = (g: unknown): g is Tensor => isTensor(g) && g.id >= firstNew;
  const returned: unknown = tidy(() => node.backward(grad, saved, node.needs));
  const inputGrads = checkGrads(node, returned, (gs) => {
    for (const g of new Set(gs)) if (createdHere(g)) g.dispose();
  });
  // A backward may return a tensor it did not create (its incoming gradient, a saved tensor,
  // a constant), or one tensor for two inputs (x + x); each use gets its own handle, so each
  // can be accumulated and disposed on its own.
  const handedOut = new Set<Tensor>();
  node.parents.forEach((parent, i) => {
    let g = inputGrads[i];
    if (!g) return;
    if (!createdHere(g) || handedOut.has(g)) g = g.detach();
    handedOut.add(g);
    keep(g);
    if (!parent) return g.dispose();
    if ('leaf' in parent) return accumulateLeaf(parent.leaf, g);
    const prev = grads.get(parent.node);
    if (prev) {
      grads.set(parent.node, keep(prev.add(g)));
      prev.dispose();
      g.dispose();
    } else grads.set(parent.node, g);
  });
}

export function runBackward(root: Tensor, seed?: Tensor): void {
  if (!root.requiresGrad) {
    throw new Error(
      `backward: ${root.describe()} does not require grad (no input of the ops that made it had requiresGrad)`,
    );
  }
  if (!seed && root.size !== 1) {
    throw new Error(`backward: ${root.describe()} is not a scalar; pass a seed gradient of shape ${fmt(root.shape)}`);
  }
  if (seed && !shapesEqual(seed.shape, root.shape)) {
    throw new Error(`backward: seed gradient shape ${fmt(seed.shape)} does not match ${root.describe()}`);
  }
  noGrad(() => {
    const first = seed ? seed.detach() : ones(root.shape, { dtype: root.dtype, backend: root.backend });
    if (!root.node) {
      accumulateLeaf(root, keep(first));
      return;
    }
    const order = topologicalOrder(root.node);
    const grads = new Map<Node, Tensor>([[root.node, keep(first)]]);
    try {
      for (const node of order) {
        const grad = grads.get(node);
        if (!grad) continue;
        grads.delete(node);
        try {
          propagate(node, grad, grads);
        } finally {
          grad.dispose();
        }
      }
    } finally {
      for (const g of grads.values()) g.dispose();
      for (const node of order) node.release('backward');
    }
  });
}
