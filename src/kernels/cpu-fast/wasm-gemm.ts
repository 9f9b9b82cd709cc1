// The float32 matmul on WebAssembly SIMD: pack op(A) and op(B) into the module's memory, run the
// generated kernel over all tiles, then copy C out through the bias + activation epilogue.
// The memory is scratch, reused by every call and grown when a product needs more.
import type { Activation, MatmulDesc } from '../backend.js';
import { applyActivation } from '../cpu/matmul.js';
import { GEMM_TILE, gemmFunction, type TileShape } from './gemm-kernel.js';
import { packA, packB } from './pack.js';
import { encodeModule } from './wasm-writer.js';

type GemmExport = (
  ap: number,
  bp: number,
  c: number,
  mPanels: number,
  nPanels: number,
  kc: number,
  aPanelStride: number,
  bPanelStride: number,
  ldc: number,
  accumulate: number,
) => void;

/** The module's bytes: small (under 1 KiB), so even a browser's main thread may compile it synchronously. */
export function gemmModuleBytes(tile: TileShape = GEMM_TILE): Uint8Array<ArrayBuffer> {
  return encodeModule([gemmFunction(tile)]);
}

/** K is split into blocks of at most this many steps, so a B panel (NR·KC floats) stays in L1. */
const KC = 512;
const PAGE = 65536;

export class WasmGemm {
  private f32: Float32Array;
  private readonly gemm: GemmExport;

  constructor(
    module: WebAssembly.Module,
    private readonly memory = new WebAssembly.Memory({ initial: 1 }),
    readonly tile: TileShape = GEMM_TILE,
  ) {
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    this.gemm = instance.exports.gemm as GemmExport;
    this.f32 = new Float32Array(memory.buffer);
  }

  /** The memory as floats, at least `floats` long (growing detaches the old view, so ask again after). */
  private scratch(floats: number): Float32Array {
    const bytes = floats * 4;
    if (bytes > this.memory.buffer.byteLength) {
      this.memory.grow(Math.ceil((bytes - this.memory.buffer.byteLength) / PAGE));
    }
    if (this.f32.buffer !== this.memory.buffer) this.f32 = new Float32Array(this.memory.buffer);
    return this.f32;
  }

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
    const { mr, nr } = this.tile;
    const mPanels = Math.ceil(m / mr),
      nPanels = Math.ceil(n / nr);
    const ldc = nPanels * nr;
    // layout: [Ap | Bp | C], each a whole number of 16-byte vectors
    const apAt = 0,
      bpAt = mPanels * mr * k,
      cAt = bpAt + nPanels * nr * k;
    const mem = this.scratch(cAt + mPanels * mr * ldc);
    for (let batch = 0; batch < d.batch; batch++) {
      packA(a, batch * d.aBatchStride, d.transA, m, k, mr, mem, apAt);
      if (batch === 0 || d.bBatchStride !== 0) packB(b, batch * d.bBatchStride, d.transB, k, n, nr, mem, bpAt);
      for (let p0 = 0; p0 < k; p0 += KC) {
        const kc = Math.min(KC, k - p0);
        this.gemm(
          4 * (apAt + p0 * mr),
          4 * (bpAt + p0 * nr),
          4 * cAt,
          mPanels,
          nPanels,
          kc,
          4 * mr * k,
          4 * nr * k,
          4 * ldc,
          p0 > 0 ? 1 : 0,
        );
      }
      writeOut(mem, cAt, ldc, out, batch * m * n, m, n, bias, act);
    }
  }
}

/** out rows = act(C rows + bias), dropping C's padding columns. */
function writeOut(
  c: Float32Array,
  cAt: number,
  ldc: number,
  out: Float32Array,
  at: number,
  m: number,
  n: number,
  bias: Float32Array | undefined,
  act: Activation,
): void {
  for (let i = 0; i < m; i++) {
    const s = cAt + i * ldc,
      d = at + i * n;
    if (!bias && act === 'none') out.set(c.subarray(s, s + n), d);
    else if (act === 'none') for (let j = 0; j < n; j++) out[d + j] = c[s + j]! + bias![j]!;
    else if (act === 'relu')
      for (let j = 0; j < n; j++) {
        const v = c[s + j]! + (bias ? bias[j]! : 0);
        out[d + j] = v <= 0 ? 0 : v;
      }
    else for (let j = 0; j < n; j++) out[d + j] = applyActivation(c[s + j]! + (bias ? bias[j]! : 0), act);
  }
}
