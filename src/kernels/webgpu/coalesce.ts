// Fewer axes = less index arithmetic per element. Axes of size 1 are dropped, and neighbouring
// axes are merged whenever every layout walks them as one run (outer stride = inner stride ×
// inner size), e.g. a contiguous [128, 400] + [128, 400] add becomes one axis of 51200.

export interface Coalesced {
  shape: number[];
  /** One stride list per layout, aligned with `shape`. */
  strides: number[][];
}

export function coalesce(shape: readonly number[], strides: readonly (readonly number[])[]): Coalesced {
  const keep = shape.map((_d, i) => i).filter((i) => shape[i] !== 1);
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (const axis of keep) {
    const last = outShape.length - 1;
    const mergeable = last >= 0 && strides.every((s, j) => outStrides[j][last] === s[axis] * shape[axis]);
    if (mergeable) {
      outShape[last] *= shape[axis];
      strides.forEach((s, j) => (outStrides[j][last] = s[axis]));
    } else {
      outShape.push(shape[axis]);
      strides.forEach((s, j) => outStrides[j].push(s[axis]));
    }
  }
  if (outShape.length === 0) return { shape: [1], strides: strides.map(() => [0]) };
  return { shape: outShape, strides: outStrides };
}
