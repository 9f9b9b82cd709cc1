// The kernel benchmark's cases (the same list for every implementation), their inputs, the
// work each does (flops, bytes) and the check every result must pass before it is timed: a
// float64 reference computed here on the CPU from the definitions (sampled outputs for the
// larger matmuls).
import { lcg } from './stats.js';

export interface MatmulCase {
  kind: 'matmul';
  label: string;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
}
export interface EltCase {
  /** add: out = a + b; exp: out = exp(a); sumRows: out[i] = Σ_j a[i][j] over a [rows, cols]. */
  kind: 'add' | 'exp' | 'sumRows';
  label: string;
  rows: number;
  cols: number;
}
export type KernelCase = MatmulCase | EltCase;

/** Input sets per case: consecutive runs read different inputs, so caches do not flatter. */
export const INPUT_SETS = 4;

function mm(label: string, m: number, k: number, n: number, transA = false, transB = false): MatmulCase {
  return { kind: 'matmul', label, m, n, k, transA, transB };
}

export function kernelCases(quick: boolean): KernelCase[] {
  const squares = [128, 256, 512, ...(quick ? [] : [1024])].map((s) => mm(`${s}²`, s, s, s));
  const sizes = quick ? [1 << 16, 1 << 20] : [1 << 16, 1 << 18, 1 << 20, 1 << 22];
  const pow = (n: number): string => `2^${Math.log2(n)}`;
  return [
    ...squares,
    // the VAE's biggest products: a forward layer (x·Wᵀ, W stored [out, in]), the weight
    // gradient (Xᵀ·dY) and the input gradient (dY·W)
    mm('VAE fwd 128×784·(400×784)ᵀ', 128, 784, 400, false, true),
    mm('VAE dW 784×128ᵀ·128×400', 784, 128, 400, true, false),
    mm('VAE dX 128×784·784×400', 128, 784, 400),
    ...sizes.map((n): EltCase => ({ kind: 'add', label: `add ${pow(n)}`, rows: 1, cols: n })),
    ...sizes.map((n): EltCase => ({ kind: 'exp', label: `exp ${pow(n)}`, rows: 1, cols: n })),
    ...sizes.map((n): EltCase => ({ kind: 'sumRows', label: `sum rows ${n / 1024}×1024`, rows: n / 1024, cols: 1024 })),
  ];
}

/** The input arrays of a case (set s): [a, b] for matmul and add, [a] otherwise. */
export function caseInputs(c: KernelCase, s: number): Float32Array[] {
  if (c.kind === 'matmul') return [lcg(c.m * c.k, 2 * s + 1), lcg(c.k * c.n, 2 * s + 2)];
  const n = c.rows * c.cols;
  return c.kind === 'add' ? [lcg(n, 2 * s + 1), lcg(n, 2 * s + 2)] : [lcg(n, 2 * s + 1)];
}

export function outputSize(c: KernelCase): number {
  return c.kind === 'matmul' ? c.m * c.n : c.kind === 'sumRows' ? c.rows : c.rows * c.cols;
}

/** Floating-point operations of one run (matmul), else 0. */
export function flopsOf(c: KernelCase): number {
  return c.kind === 'matmul' ? 2 * c.m * c.n * c.k : 0;
}

/** Bytes one run must read and write at least (elementwise and reductions). */
export function bytesOf(c: KernelCase): number {
  if (c.kind === 'matmul') return 0;
  const n = c.rows * c.cols;
  return c.kind === 'add' ? 12 * n : c.kind === 'exp' ? 8 * n : 4 * (n + c.rows);
}

/** Throws unless `got` matches the float64 reference of case c on `inputs`. */
export function checkCase(c: KernelCase, inputs: Float32Array[], got: Float32Array, what: string): void {
  const size = outputSize(c);
  if (got.length < size) throw new Error(`${what} ${c.label}: ${got.length} outputs, expected ${size}`);
  const bad = (i: number, want: number): never => {
    throw new Error(`${what} ${c.label}: out[${i}] = ${got[i]}, expected ${want}`);
  };
  const [a, b] = inputs as [Float32Array, Float32Array];
  if (c.kind === 'matmul') {
    const samples = Math.min(size, 512);
    for (let t = 0; t < samples; t++) {
      const idx = samples === size ? t : Math.floor((((t * 2654435761) >>> 0) / 2 ** 32) * size);
      const i = Math.floor(idx / c.n),
        j = idx % c.n;
      let value = 0,
        scale = 0;
      for (let p = 0; p < c.k; p++) {
        const x = c.transA ? a[p * c.m + i]! : a[i * c.k + p]!;
        const y = c.transB ? b[j * c.k + p]! : b[p * c.n + j]!;
        value += x * y;
        scale += Math.abs(x * y);
      }
      // float32 accumulation in any order: |error| ≤ (k + 2) ε Σ|x y|
      if (!(Math.abs(got[idx]! - value) <= 1e-6 + (c.k + 2) * 2 ** -23 * scale)) bad(idx, value);
    }
    return;
  }
  if (c.kind === 'sumRows') {
    for (let i = 0; i < c.rows; i++) {
      let value = 0,
        scale = 0;
      for (let j = 0; j < c.cols; j++) {
        value += a[i * c.cols + j]!;
        scale += Math.abs(a[i * c.cols + j]!);
      }
      if (!(Math.abs(got[i]! - value) <= 1e-6 + (c.cols + 2) * 2 ** -23 * scale)) bad(i, value);
    }
    return;
  }
  for (let i = 0; i < size; i++) {
    const want = c.kind === 'add' ? a[i]! + b[i]! : Math.exp(a[i]!);
    if (!(Math.abs(got[i]! - want) <= 1e-6 + 4e-6 * Math.abs(want))) bad(i, want);
  }
}
