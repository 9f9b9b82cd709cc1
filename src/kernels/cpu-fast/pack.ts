// Packing: copy op(A) and op(B) into the panel layouts the micro-kernel streams through
// (gemm-kernel.ts), so the kernel reads both operands contiguously whatever the transposes.
// Rows and columns past the matrix edge are zero, so every tile is full and edges need no code.
//
// A panel i holds rows i·MR … i·MR+MR-1 of op(A), column by column: dst[(i·K + p)·MR + r].
// B panel j holds columns j·NR … j·NR+NR-1 of op(B), row by row:    dst[(j·K + p)·NR + c].

/**
 * op(A) is M×K; stored M×K (trans false: element (i, p) at base + i·K + p) or K×M
 * (trans true: at base + p·M + i).
 */
export function packA(
  src: Float32Array,
  base: number,
  trans: boolean,
  m: number,
  k: number,
  mr: number,
  dst: Float32Array,
  at: number,
): void {
  const panels = Math.ceil(m / mr);
  for (let ip = 0; ip < panels; ip++) {
    const i0 = ip * mr;
    const rows = Math.min(mr, m - i0);
    const out = at + ip * k * mr;
    if (rows < mr) dst.fill(0, out, out + k * mr);
    if (trans) {
      // row p of the stored matrix holds the panel's column p contiguously
      for (let p = 0; p < k; p++) {
        const s = base + p * m + i0,
          d = out + p * mr;
        for (let r = 0; r < rows; r++) dst[d + r] = src[s + r]!;
      }
    } else {
      for (let r = 0; r < rows; r++) {
        const s = base + (i0 + r) * k;
        for (let p = 0, d = out + r; p < k; p++, d += mr) dst[d] = src[s + p]!;
      }
    }
  }
}

/**
 * op(B) is K×N; stored K×N (trans false: element (p, j) at base + p·N + j) or N×K
 * (trans true: at base + j·K + p).
 */
export function packB(
  src: Float32Array,
  base: number,
  trans: boolean,
  k: number,
  n: number,
  nr: number,
  dst: Float32Array,
  at: number,
): void {
  const panels = Math.ceil(n / nr);
  for (let jp = 0; jp < panels; jp++) {
    const j0 = jp * nr;
    const cols = Math.min(nr, n - j0);
    const out = at + jp * k * nr;
    if (cols < nr) dst.fill(0, out, out + k * nr);
    if (trans) {
      for (let c = 0; c < cols; c++) {
        const s = base + (j0 + c) * k;
        for (let p = 0, d = out + c; p < k; p++, d += nr) dst[d] = src[s + p]!;
      }
    } else {
      for (let p = 0; p < k; p++) {
        const s = base + p * n + j0,
          d = out + p * nr;
        for (let c = 0; c < cols; c++) dst[d + c] = src[s + c]!;
      }
    }
  }
}
