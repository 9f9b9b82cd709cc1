// Index validation, shared by every op that takes int32 indices (oneHot, the CVAE's labels,
// gather, indexSelect, losses over class labels): each index must lie in [0, limit).
//
// Where the values are: an int32 tensor made from host data (labels from a data set, `tensor`,
// `full`) keeps a host copy of its values (Storage.hostInt32), so it is checked at once, on any
// backend, with no readback. Indices computed on the device (a slice, a concat) are checked by
// the backend: at once on the CPU; on WebGPU by a kernel whose result is read at the next
// readback, which then throws — the error still names the op, the value and its position.
import type { IndexViolation } from '../kernels/backend.js';
import { at, fmt } from './shape.js';
import type { Tensor } from './tensor.js';

/**
 * An int32 index outside `[0, limit)` given to an op that takes indices (gather, indexSelect,
 * crossEntropy, nllLoss, oneHot, Embedding, the CVAE's labels). The message names the op, the value
 * and its position; on WebGPU an index computed on the device is reported at the next readback.
 */
export class IndexOutOfRangeError extends RangeError {
  constructor(
    /** The op that was given the index. */
    readonly op: string,
    /** The bad index. */
    readonly value: number,
    /** The bad index's position in the indices tensor, one entry per axis. */
    readonly position: readonly number[],
    /** Indices must be below this (and >= 0). */
    readonly limit: number,
    what: string,
    shape: readonly number[],
  ) {
    super(
      `${op}: ${what} ${value} at position ${shape.length === 1 ? position[0] : fmt(position)} of ` +
        `int32${fmt(shape)} is outside [0, ${limit})`,
    );
    this.name = 'IndexOutOfRangeError';
  }
}

/** 'indices', 'labels': for messages. */
export const plural = (what: string): string => (what === 'index' ? 'indices' : `${what}s`);

/** The multi-index of flat position `flat` in `shape`. */
function unravel(flat: number, shape: readonly number[]): number[] {
  const out: number[] = [];
  for (const n of [...shape].reverse()) {
    out.unshift(flat % n);
    flat = Math.floor(flat / n);
  }
  return out;
}

/**
 * Checks that every value of the int32 tensor `indices` lies in [0, limit), else throws an
 * IndexOutOfRangeError naming `op`, the value and its position (`what` names the values:
 * 'index', 'label', 'class'). See the top of this file for when a WebGPU check reports.
 */
export function checkIndices(op: string, indices: Tensor, limit: number, what = 'index'): void {
  if (indices.dtype !== 'int32') throw new Error(`${op}: ${plural(what)} must be int32, got ${indices.describe()}`);
  if (!Number.isSafeInteger(limit) || limit < 0)
    throw new Error(`${op}: the ${what} limit must be a non-negative integer, got ${limit}`);
  const shape = [...indices.shape];
  const fail = (v: IndexViolation) =>
    new IndexOutOfRangeError(op, v.value, unravel(v.position, shape), limit, what, shape);
  const host = indices.storage.hostInt32;
  if (host) {
    const position = host.findIndex((v) => v < 0 || v >= limit);
    if (position >= 0) throw fail({ position, value: at(host, position) });
    return;
  }
  if (indices.size > 0) indices.backend.checkIndices(indices.buf, limit, fail);
}
