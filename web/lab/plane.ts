// Points of a latent plane and back: shared by the worker (the manifold, a drawing's place) and
// the page (the cursor, the sliders).
import type { LatentPlane } from './protocol.js';

/** The latent point of plane coordinates (u, v): origin + u·axes[0] + v·axes[1]. */
export function planePoint(plane: LatentPlane, u: number, v: number): Float32Array {
  const z = new Float32Array(plane.origin.length);
  for (let k = 0; k < z.length; k++) z[k] = plane.origin[k]! + u * plane.axes[0][k]! + v * plane.axes[1][k]!;
  return z;
}

/** Plane coordinates of a latent point (its orthogonal projection). */
export function projectToPlane(plane: LatentPlane, z: ArrayLike<number>): [number, number] {
  let u = 0;
  let v = 0;
  for (let k = 0; k < z.length; k++) {
    const c = z[k]! - plane.origin[k]!;
    u += c * plane.axes[0][k]!;
    v += c * plane.axes[1][k]!;
  }
  return [u, v];
}

/** A square around the points (the same scale on both axes), from their 1st to 99th percentiles, padded. */
export function squareBounds(coords: Float32Array): [number, number, number, number] {
  const n = coords.length / 2;
  if (n === 0) return [-3, 3, -3, 3];
  const axis = (k: 0 | 1) => {
    const v = Float32Array.from({ length: n }, (_, i) => coords[2 * i + k]!).sort();
    return [v[Math.floor(0.01 * (n - 1))]!, v[Math.ceil(0.99 * (n - 1))]!] as const;
  };
  const [ul, uh] = axis(0);
  const [vl, vh] = axis(1);
  const half = Math.max(uh - ul, vh - vl, 1e-3) * 0.6;
  const [cu, cv] = [(ul + uh) / 2, (vl + vh) / 2];
  return [cu - half, cu + half, cv - half, cv + half];
}
