// The matmul micro-kernel in WebAssembly SIMD, generated: C += Ap · Bp on packed panels.
//
// The operands arrive packed (see gemm.ts): Ap holds op(A) in panels of MR rows, stored
// k-major (for each p, the MR values of column p); Bp holds op(B) in panels of NR columns,
// for each p the NR values of row p. The kernel keeps an MR×NR tile of C in MR·NR/4 vector
// registers and, for each p, adds the outer product of A's column (each value broadcast to four
// lanes) and B's row (NR/4 vectors) — the register-blocked inner loop of every fast GEMM
// (Goto & van de Geijn 2008). The generator unrolls the tile, so no array is indexed in the loop.
import { type Code, F32x4, FunctionBuilder, Flow, get, I32, i32, set, V128 } from './wasm-writer.js';

export interface TileShape {
  /** Rows of C per tile (A panel height). */
  mr: number;
  /** Columns of C per tile (B panel width), a multiple of 4. */
  nr: number;
}

/** 4×8 = 8 accumulators + 2 B vectors + 1 broadcast: fits x86-64's 16 vector registers. */
export const GEMM_TILE: TileShape = { mr: 4, nr: 8 };

export type GemmExport = (
  ap: number,
  bp: number,
  c: number,
  mPanels: number,
  nPanels: number,
  kc: number,
  aPanelStride: number,
  bPanelStride: number,
  ldc: number,
  flags: number,
  bias: number,
) => void;

/** Bits of gemm's `flags`: what the tile store does besides writing the sum. */
export const GEMM_FLAGS = { accumulate: 1, bias: 2, relu: 4 } as const;

/**
 * gemm(ap, bp, c, mPanels, nPanels, kc, aPanelStride, bPanelStride, ldc, flags, bias):
 * for every pair of panels (i < mPanels, j < nPanels), the MR×NR tile of C at
 * c + i·MR·ldc + j·NR·4 becomes Σ_{p<kc} Ap[i][p] ⊗ Bp[j][p], plus the tile's old value
 * (flags & accumulate), plus bias[j·NR …] (flags & bias), then max(·, 0) (flags & relu).
 * Addresses, strides and ldc (C's row pitch) are in bytes; kc >= 1.
 */
export function gemmFunction({ mr, nr }: TileShape = GEMM_TILE): FunctionBuilder {
  const f = new FunctionBuilder('gemm', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [ap, bp, c, mPanels, nPanels, kc, aStride, bStride, ldc, flags, bias] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const vecs = nr / 4;
  const i = f.local('i32'),
    j = f.local('i32'),
    pa = f.local('i32'),
    pb = f.local('i32'),
    pend = f.local('i32'),
    tile = f.local('i32');
  const acc = Array.from({ length: mr }, () => Array.from({ length: vecs }, () => f.local('v128')));
  const b = Array.from({ length: vecs }, () => f.local('v128'));
  const a = f.local('v128');

  // one step of p: load B's row, then for each row r add a[r] * b into the r-th accumulators
  const step: Code[] = [
    ...b.map((bv, v) => set(bv, V128.load(16 * v, get(pb)))),
    ...acc.flatMap((row, r) => [
      set(a, V128.load32Splat(4 * r, get(pa))),
      ...row.map((accV, v) => set(accV, F32x4.add(get(accV), F32x4.mul(get(a), get(b[v]!))))),
    ]),
    set(pa, I32.add(get(pa), i32(4 * mr))),
    set(pb, I32.add(get(pb), i32(4 * nr))),
  ];
  // where C's element (r, 4v) of the current tile lives
  const cAddr = (r: number): Code => I32.add(get(tile), I32.mul(get(ldc), i32(r)));
  const flag = (bit: number): Code => I32.and(get(flags), i32(bit));
  const eachAcc = (update: (accV: number, r: number, v: number) => Code): Code[] =>
    acc.flatMap((row, r) => row.map((accV, v) => set(accV, update(accV, r, v))));
  // the tile's bias values: NR floats at bias + j·NR·4
  const biasAt = (): Code => I32.add(get(bias), I32.mul(get(j), i32(4 * nr)));
  const epilogue: Code[] = [
    Flow.if(flag(GEMM_FLAGS.accumulate), ...eachAcc((accV, r, v) => F32x4.add(get(accV), V128.load(16 * v, cAddr(r))))),
    Flow.if(flag(GEMM_FLAGS.bias), ...eachAcc((accV, _r, v) => F32x4.add(get(accV), V128.load(16 * v, biasAt())))),
    // max propagates NaN and orders -0 below +0, as the reference's relu (x <= 0 ? 0 : x) does
    Flow.if(flag(GEMM_FLAGS.relu), ...eachAcc((accV) => F32x4.max(get(accV), V128.zero()))),
  ];
  const store: Code[] = acc.flatMap((row, r) => row.map((accV, v) => V128.store(16 * v, cAddr(r), get(accV))));

  f.emit(
    set(j, i32(0)),
    Flow.loop(
      set(i, i32(0)),
      Flow.loop(
        set(pa, I32.add(get(ap), I32.mul(get(i), get(aStride)))),
        set(pb, I32.add(get(bp), I32.mul(get(j), get(bStride)))),
        set(pend, I32.add(get(pa), I32.mul(get(kc), i32(4 * mr)))),
        ...acc.flat().map((accV) => set(accV, V128.zero())),
        Flow.loop(...step, Flow.brIf(0, I32.ne(get(pa), get(pend)))),
        set(tile, I32.add(I32.add(get(c), I32.mul(I32.mul(get(i), i32(mr)), get(ldc))), I32.mul(get(j), i32(4 * nr)))),
        ...epilogue,
        ...store,
        set(i, I32.add(get(i), i32(1))),
        Flow.brIf(0, I32.ne(get(i), get(mPanels))),
      ),
      set(j, I32.add(get(j), i32(1))),
      Flow.brIf(0, I32.ne(get(j), get(nPanels))),
    ),
  );
  return f;
}
