// Packing: copy op(A) and op(B) into the panels the micro-kernel streams through (gemm-kernel.ts),
// so the kernel reads both operands contiguously whatever the transposes.
//
// A panel holds `width` lines (rows of op(A), or columns of op(B)) for every step p < K, the
// width values of step p side by side: dst[(panel·K + p)·width + line]. Lines past the matrix
// edge are zero, so every tile is full and edges need no code in the kernel.

/**
 * Packs `count` lines of length k into panels of `width`: the value of line c at step p is
 * src[base + c·lineStride + p·stepStride].
 */
export function packPanels(
  src: Float32Array,
  base: number,
  count: number,
  k: number,
  width: number,
  lineStride: number,
  stepStride: number,
  dst: Float32Array,
  at: number,
): void {
  const panels = Math.ceil(count / width);
  for (let panel = 0; panel < panels; panel++) {
    const lines = Math.min(width, count - panel * width);
    const s = base + panel * width * lineStride,
      d = at + panel * k * width;
    if (lines === 8 && width === 8) pack8(src, s, k, lineStride, stepStride, dst, d);
    else if (lines === 4 && width === 4) pack4(src, s, k, lineStride, stepStride, dst, d);
    else {
      // the edge panel: what there is, then zeros
      dst.fill(0, d, d + k * width);
      for (let c = 0; c < lines; c++) {
        for (let p = 0; p < k; p++) dst[d + p * width + c] = src[s + c * lineStride + p * stepStride]!;
      }
    }
  }
}

// The full panels, unrolled: a loop of 4 or 8 would cost more than the copies it makes.
function pack8(src: Float32Array, s: number, k: number, ls: number, ps: number, dst: Float32Array, d: number): void {
  const l2 = 2 * ls,
    l3 = 3 * ls,
    l4 = 4 * ls,
    l5 = 5 * ls,
    l6 = 6 * ls,
    l7 = 7 * ls;
  for (let p = 0; p < k; p++, s += ps, d += 8) {
    dst[d] = src[s]!;
    dst[d + 1] = src[s + ls]!;
    dst[d + 2] = src[s + l2]!;
    dst[d + 3] = src[s + l3]!;
    dst[d + 4] = src[s + l4]!;
    dst[d + 5] = src[s + l5]!;
    dst[d + 6] = src[s + l6]!;
    dst[d + 7] = src[s + l7]!;
  }
}

function pack4(src: Float32Array, s: number, k: number, ls: number, ps: number, dst: Float32Array, d: number): void {
  const l2 = 2 * ls,
    l3 = 3 * ls;
  for (let p = 0; p < k; p++, s += ps, d += 4) {
    dst[d] = src[s]!;
    dst[d + 1] = src[s + ls]!;
    dst[d + 2] = src[s + l2]!;
    dst[d + 3] = src[s + l3]!;
  }
}
