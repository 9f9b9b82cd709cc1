// Row-major strides and broadcasting arithmetic shared by every backend.
import type { Shape } from './backend.js';

/**
 * xs[i] for an index that is valid by construction (an axis after normalizeAxis, a position
 * inside the same shape); if it is not, an error that says which list and index, not undefined.
 */
export function at<T>(xs: ArrayLike<T>, i: number, what = 'index'): T {
  const v = xs[i];
  if (v === undefined) throw new Error(`internal: ${what} ${i} is out of range (length ${xs.length})`);
  return v;
}

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C order) strides of a dense array, in elements. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i] ?? 1;
  }
  return strides;
}

/**
 * Strides that read a dense array of shape `inShape` as if it had `outShape` (NumPy broadcasting):
 * missing leading axes and size-1 axes get stride 0, so every output index reads the one element.
 */
export function broadcastStrides(inShape: Shape, outShape: Shape): number[] {
  const own = contiguousStrides(inShape);
  const out = new Array<number>(outShape.length).fill(0);
  const lead = outShape.length - inShape.length;
  for (const [i, d] of inShape.entries()) out[lead + i] = d === 1 ? 0 : (own[i] ?? 0);
  return out;
}
