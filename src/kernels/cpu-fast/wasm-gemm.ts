// The float32 matmul on WebAssembly SIMD: pack blocks of op(A) and op(B) into the module's memory,
// run the generated kernel over their tiles, then copy C out through the bias + activation
// epilogue. The memory is scratch, reused by every call.
import type { Activation, MatmulDesc } from '../backend.js';
import { applyActivation } from '../cpu/matmul.js';
import { GEMM_FLAGS, GEMM_TILE } from './gemm-kernel.js';
import { packPanels } from './pack.js';
import type { WasmRuntime } from './wasm-runtime.js';

// C is computed in blocks of MC×NC, each summed over K-blocks of KC (Goto & van de Geijn's loop
// order: B's KC×NC block and A's MC×KC block are packed, then the kernel sweeps their panels).
// The scratch memory is then bounded (~3.5 MiB) whatever the product's size; a B panel (8·KC
// floats, 16 KiB) stays in L1 and A's block (512 KiB) in L2. Multiples of the 4×8 tile.
const MC = 256;
const KC = 512;
const NC = 1024;

export class WasmGemm {
  constructor(private readonly rt: WasmRuntime) {}

  /** out[b] = act(op(A[b]) · op(B[b]) + bias) for float32 arrays, as Backend.matmul describes. */
  matmul(
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    d: MatmulDesc,
    bias: Float32Array | undefined,
    act: Activation,
  ): void {
    const { m, n, k } = d;
    const { mr, nr } = GEMM_TILE;
    // where op(A)'s row i, step p and op(B)'s column j, step p live: base + line·lineStride + p·stepStride
    const aLine = d.transA ? 1 : k,
      aStep = d.transA ? m : 1;
    const bLine = d.transB ? k : 1,
      bStep = d.transB ? 1 : n;
    const mcMax = Math.min(MC, Math.ceil(m / mr) * mr),
      ncMax = Math.min(NC, Math.ceil(n / nr) * nr),
      kcMax = Math.min(KC, k);
    // layout: [A block | B block | C block | bias block], each a whole number of 16-byte vectors
    const apAt = 0,
      bpAt = mcMax * kcMax,
      cAt = bpAt + kcMax * ncMax,
      biasAt = cAt + mcMax * ncMax;
    const mem = this.rt.floats(biasAt + ncMax);
    // the kernel adds the bias and applies relu as it stores the last K-block; other activations here
    const lastFlags = (bias ? GEMM_FLAGS.bias : 0) | (act === 'relu' ? GEMM_FLAGS.relu : 0);
    const finish: Activation = act === 'relu' ? 'none' : act;
    // the B block now in scratch (offset and size): a block that comes round again — for each
    // block of rows when K fits one block, for every batch entry when B is shared — is not repacked
    let packedB = -1,
      packedSize = -1;
    for (let batch = 0; batch < d.batch; batch++) {
      const aBase = batch * d.aBatchStride,
        bBase = batch * d.bBatchStride;
      for (let j0 = 0; j0 < n; j0 += NC) {
        const nc = Math.min(NC, n - j0),
          nPanels = Math.ceil(nc / nr);
        if (bias) mem.set(bias.subarray(j0, j0 + nc), biasAt); // past nc: stale, but only padding columns read it
        for (let i0 = 0; i0 < m; i0 += MC) {
          const mc = Math.min(MC, m - i0),
            mPanels = Math.ceil(mc / mr);
          for (let p0 = 0; p0 < k; p0 += KC) {
            const kc = Math.min(KC, k - p0);
            packPanels(a, aBase + i0 * aLine + p0 * aStep, mc, kc, mr, aLine, aStep, mem, apAt);
            const bAt = bBase + j0 * bLine + p0 * bStep;
            if (bAt !== packedB || nc * KC + kc !== packedSize) packPanels(b, bAt, nc, kc, nr, bLine, bStep, mem, bpAt);
            packedB = bAt;
            packedSize = nc * KC + kc;
            const flags = (p0 > 0 ? GEMM_FLAGS.accumulate : 0) | (p0 + kc === k ? lastFlags : 0);
            this.rt.gemm(
              4 * apAt,
              4 * bpAt,
              4 * cAt,
              mPanels,
              nPanels,
              kc,
              4 * mr * kc,
              4 * nr * kc,
              4 * ncMax,
              flags,
              4 * biasAt,
            );
          }
          writeOut(mem, cAt, ncMax, out, batch * m * n + i0 * n + j0, n, mc, nc, finish);
        }
      }
    }
  }
}

/** mc×nc of out (row pitch n) = act(C), dropping C's padding columns (bias and relu are done). */
function writeOut(
  c: Float32Array,
  cAt: number,
  ldc: number,
  out: Float32Array,
  at: number,
  n: number,
  mc: number,
  nc: number,
  act: Activation,
): void {
  for (let i = 0; i < mc; i++) {
    const s = cAt + i * ldc,
      d = at + i * n;
    if (act === 'none') out.set(c.subarray(s, s + nc), d);
    else for (let j = 0; j < nc; j++) out[d + j] = applyActivation(c[s + j]!, act);
  }
}
