// Fewer axes = less index arithmetic per element. Axes of size 1 are dropped, and neighbouring
// axes are merged whenever every layout walks them as one run (outer stride = inner stride ×
// inner size), e.g. a contiguous [128, 400] + [128, 400] add becomes one axis of 51200.

export interface Coalesced {
  shape: number[];
  /** One stride list per layout, aligned with `shape`. */
  strides: number[][];
}

export function coalesce(shape: readonly number[], strides: readonly (readonly number[])[]): Coalesced {
  // runs of axes walked as one: their total size, and the stride of their innermost axis per layout
  const runs: { size: number; strides: number[] }[] = [];
  for (const [axis, size] of shape.entries()) {
    if (size === 1) continue;
    const own = strides.map((s) => {
      const stride = s[axis];
      if (stride === undefined) throw new Error(`internal: coalesce: a layout has no stride for axis ${axis}`);
      return stride;
    });
    const last = runs.at(-1);
    if (last && own.every((s, j) => last.strides[j] === s * size)) {
      last.size *= size;
      last.strides = own;
    } else runs.push({ size, strides: own });
  }
  if (runs.length === 0) return { shape: [1], strides: strides.map(() => [0]) };
  return { shape: runs.map((r) => r.size), strides: strides.map((_, j) => runs.map((r) => r.strides[j] ?? 0)) };
}
