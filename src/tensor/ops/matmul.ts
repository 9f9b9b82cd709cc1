// Matrix products: 2-D and batched (leading dims broadcast, NumPy-style). Transposed operands
// go to the kernel as flags, never as copies; backward needs exactly those:
//   Y = A B  =>  dA = dY Bᵀ,  dB = Aᵀ dY   (summed over broadcast batch dims)
import { record } from '../../autograd/record.js';
import type { Activation } from '../../kernels/backend.js';
import { empty, floatDType, runMatmul, sameBackend, withShape } from '../dispatch.js';
import { broadcastShapes, fmt, shapesEqual, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { sumToShape } from './sum-to-shape.js';

export interface MatmulExtras {
  transA?: boolean;
  transB?: boolean;
  /** Added to every output row (length N) before the activation. */
  bias?: Tensor;
  activation?: Activation;
}

/**
 * gᵀ x for 2-D g [k, m] and x [k, n], and the column sums of g (m values), from one dispatch
 * and no autograd: a Linear layer's weight and bias gradients (the sums ride along the pass
 * over g that the product makes anyway).
 */
export function matmulTransposedWithColumnSums(name: string, g: Tensor, x: Tensor): [Tensor, Tensor] {
  if (g.rank !== 2 || x.rank !== 2 || g.shape[0] !== x.shape[0])
    throw new Error(`${name}: ${fmt(g.shape)}ᵀ @ ${fmt(x.shape)}: expected 2-D operands with the same number of rows`);
  const [k, m] = g.shape as [number, number];
  const [, n] = x.shape as [number, number];
  const backend = sameBackend(name, [g, x]);
  const dtype = floatDType(name, [g, x]);
  const out = empty(backend, [m, n], dtype);
  const sums = empty(backend, [m], dtype);
  if (k === 0 || m === 0) {
    if (out.size > 0) backend.fill(out.buf, 0);
    if (sums.size > 0) backend.fill(sums.buf, 0);
  } else if (n === 0) {
    sums.dispose();
    return [out, g.sum(0)];
  } else {
    const desc = { batch: 1, m, n, k, transA: true, transB: false, aBatchStride: 0, bBatchStride: 0 } as const;
    backend.matmul(g.buf, x.buf, out.buf, { ...desc, rowSums: sums.buf });
  }
  return [out, sums];
}

/** op(A) @ op(B) with no autograd: the batching logic shared by matmul and linear. */
export function matmulRaw(name: string, a: Tensor, b: Tensor, extras: MatmulExtras = {}): Tensor {
  const { transA = false, transB = false } = extras;
  if (a.rank < 2 || b.rank < 2) {
    throw new Error(
      `${name}: ${fmt(a.shape)} @ ${fmt(b.shape)}: both operands must be at least ` +
        `2-D (reshape a vector to [1,n] or [n,1])`,
    );
  }
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const [m, k] = transA ? [ac, ar] : [ar, ac];
  const [k2, n] = transB ? [bc, br] : [br, bc];
  if (k !== k2) {
    throw new Error(
      `${name}: ${fmt(a.shape)}${transA ? 'ᵀ' : ''} @ ` +
        `${fmt(b.shape)}${transB ? 'ᵀ' : ''}: inner dimensions ${k} and ${k2} differ`,
    );
  }
  if (extras.bias && !(extras.bias.rank === 1 && extras.bias.shape[0] === n)) {
    throw new Error(`${name}: bias ${fmt(extras.bias.shape)} does not match the ${n} output columns`);
  }
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batch = broadcastShapes(name, batchA, batchB);
  const outShape = [...batch, m, n];
  const common = { m, n, k, transA, transB, activation: extras.activation ?? 'none' } as const;

  // B shared by every batch entry and A's rows contiguous: one big (batch·M)×K product.
  if (sizeOf(batchB) === 1 && !transA) {
    const out = runMatmul(
      name,
      a,
      b,
      [sizeOf(batch) * m, n],
      { ...common, m: sizeOf(batch) * m, batch: 1, aBatchStride: 0, bBatchStride: 0 },
      extras.bias,
    );
    return withShape(out, outShape);
  }
  // Otherwise each operand either has the full batch or a single matrix (stride 0); a partial
  // broadcast (e.g. [2,1] against [1,3]) is expanded first.
  const fit = (t: Tensor, own: readonly number[]): [Tensor, number] => {
    if (sizeOf(own) === 1) return [t, 0];
    if (shapesEqual(own, batch)) return [t, sizeOf(t.shape.slice(-2))];
    return [t.expand([...batch, ...t.shape.slice(-2)]), sizeOf(t.shape.slice(-2))];
  };
  const [ae, aStride] = fit(a, batchA);
  const [be, bStride] = fit(b, batchB);
  const out = runMatmul(
    name,
    ae,
    be,
    outShape,
    { ...common, batch: sizeOf(batch), aBatchStride: aStride, bBatchStride: bStride },
    extras.bias,
  );
  if (ae !== a) ae.dispose();
  if (be !== b) be.dispose();
  return out;
}

// Y = A B;  dA = dY Bᵀ,  dB = Aᵀ dY
export function matmul(a: Tensor, b: Tensor): Tensor {
  const [sa, sb] = [a.shape, b.shape];
  const y = matmulRaw('matmul', a, b);
  return record('matmul', [a, b], y, [a, b], (dy, [a, b], needs) => [
    needs[0] ? sumToShape(matmulRaw('matmul backward', dy, b, { transB: true }), sa) : null,
    needs[1] ? sumToShape(matmulRaw('matmul backward', a, dy, { transA: true }), sb) : null,
  ]);
}
