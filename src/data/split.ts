// A labelled image set held as flat typed arrays: image i is pixels [i*rows*cols, (i+1)*rows*cols).

/** A labelled image set as flat typed arrays: image i is pixels `[i*rows*cols, (i+1)*rows*cols)`. */
export interface Split {
  /** count × rows × cols intensities in [0, 1], row-major. */
  images: Float32Array;
  /** The class of each image (0-9 for MNIST). */
  labels: Int32Array;
  /** The number of images. */
  count: number;
  /** Image height in pixels (28 for MNIST). */
  rows: number;
  /** Image width in pixels (28 for MNIST). */
  cols: number;
}

export function pixelsPerImage(split: Pick<Split, 'rows' | 'cols'>): number {
  return split.rows * split.cols;
}

/** The first n examples (all of them if n ≥ count), sharing no memory with the original. */
export function subset(split: Split, n: number): Split {
  if (!Number.isInteger(n) || n < 0) throw new Error(`subset: n must be a non-negative integer, got ${n}`);
  const count = Math.min(n, split.count);
  const pixels = pixelsPerImage(split);
  return {
    images: split.images.slice(0, count * pixels),
    labels: split.labels.slice(0, count),
    count,
    rows: split.rows,
    cols: split.cols,
  };
}
