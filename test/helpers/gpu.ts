// The WebGPU test fixture. getGpuBackend() gives a WebGPUBackend, or — on a machine with no
// adapter — null after ONE loud line, so GPU suites skip instead of failing. With
// VAE_REQUIRE_WEBGPU=1 (CI) a missing adapter is an error: a broken driver must not pass
// silently as "skipped".
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Buf, DType, TypedArray } from '../../src/kernels/backend.js';
import { CpuBackend } from '../../src/kernels/cpu/cpu-backend.js';
import { createWebGPUBackend, type WebGPUBackend } from '../../src/kernels/webgpu/index.js';

const SKIP_MESSAGE = 'WebGPU tests SKIPPED: no adapter; install a Vulkan driver with scripts/install-webgpu-driver.sh';

/** Prints the skip line once per test run (vitest runs files in several worker processes). */
function announceSkipOnce(): void {
  const marker = join(tmpdir(), `vae-webgpu-skip-${process.ppid}`);
  if (existsSync(marker)) return;
  try {
    writeFileSync(marker, '');
  } catch {
    /* printing twice is fine */
  }
  console.warn(`\n*** ${SKIP_MESSAGE} ***\n`);
}

export async function getGpuBackend(
  create: () => Promise<WebGPUBackend | null> = createWebGPUBackend,
  announce: () => void = announceSkipOnce,
): Promise<WebGPUBackend | null> {
  const backend = await create();
  if (backend) return backend;
  if (process.env.VAE_REQUIRE_WEBGPU === '1') {
    throw new Error(`VAE_REQUIRE_WEBGPU=1 but no WebGPU adapter was found (${SKIP_MESSAGE.split(': ')[1]})`);
  }
  announce();
  return null;
}

/**
 * A describe block with one WebGPU device for the whole file, destroyed afterwards; skipped
 * (with the one loud line) when there is no adapter. Use with top-level await.
 */
export async function describeWebGPU(name: string, body: (gpu: WebGPUBackend, cpu: CpuBackend) => void): Promise<void> {
  const gpu = await getGpuBackend();
  describe.skipIf(!gpu)(name, () => {
    if (!gpu) {
      it.skip('needs a WebGPU adapter', () => {});
      return;
    }
    afterAll(() => gpu.destroy());
    body(gpu, new CpuBackend());
  });
}

// ---- helpers for comparing backends ----------------------------------------------------

/** Allocates on the GPU and fills with NaN (or a NaN-ish int), so unwritten elements show. */
export function poisoned(gpu: WebGPUBackend, size: number, dtype: DType = 'float32'): Buf {
  const b = gpu.alloc(size, dtype);
  gpu.fill(b, dtype === 'int32' ? -123456789 : NaN);
  return b;
}

/** Deterministic pseudo-random floats in [lo, hi) (a fast-check seed picks `seed`). */
export function randomArray(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = lo + (hi - lo) * (s / 2 ** 32);
  }
  return out;
}

/**
 * Elementwise comparison: NaN where the reference has NaN, equal infinities, and otherwise
 * |got - want| <= atol + rtol·|want| (or <= tol[i] when a per-element bound is given).
 */
export function expectClose(
  got: TypedArray,
  want: TypedArray,
  opts: { rtol?: number; atol?: number; tol?: ArrayLike<number>; what?: string } = {},
): void {
  const { rtol = 1e-5, atol = 1e-6, what = '' } = opts;
  expect(got.length, `${what} length`).toBe(want.length);
  for (const [i, w] of want.entries()) {
    const g = got[i] ?? NaN;
    const bad = (): string => `${what} element ${i}: got ${g}, want ${w}`;
    if (Number.isNaN(w)) {
      if (!Number.isNaN(g)) expect.fail(bad());
      continue;
    }
    if (!Number.isFinite(w)) {
      if (g !== w) expect.fail(bad());
      continue;
    }
    const bound = opts.tol ? (opts.tol[i] ?? NaN) : atol + rtol * Math.abs(w);
    if (!(Math.abs(g - w) <= bound)) expect.fail(`${bad()} (|diff| ${Math.abs(g - w)} > ${bound})`);
  }
}

/** Same bits, element by element (for copies and the uniform random numbers). */
export function expectBitEqual(got: TypedArray, want: TypedArray, what = ''): void {
  expect(got.length, `${what} length`).toBe(want.length);
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  for (let i = 0; i < w.length; i++) {
    if (g[i] !== w[i]) expect.fail(`${what} element ${i}: got ${got[i]}, want ${want[i]}`);
  }
}
