// The WebAssembly writer: LEB128 numbers, a module the engine accepts, and instructions that
// compute what their names say.
import { describe, expect, it } from 'vitest';
import { kernelModuleBytes } from '../../src/kernels/cpu-fast/wasm-runtime.js';
import {
  encodeModule,
  F32,
  F32x4,
  Flow,
  FunctionBuilder,
  get,
  I32,
  i32,
  set,
  sleb,
  uleb,
  V128,
} from '../../src/kernels/cpu-fast/wasm-writer.js';

describe('wasm writer', () => {
  it('encodes LEB128 as the spec examples do', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(0)).toEqual([0]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-64)).toEqual([0x40]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });

  it('the kernels module validates and is small enough to compile synchronously on a page (< 4 KiB)', () => {
    const bytes = kernelModuleBytes();
    expect(WebAssembly.validate(bytes)).toBe(true);
    expect(bytes.length).toBeLessThan(4096);
  });

  it('SIMD and control-flow instructions compute what they say', () => {
    // f(dst, src, n): for i < n step 4: dst[i..i+3] = max(min(|src| * 2 - src / 4, sqrt(16)), -src)
    const f = new FunctionBuilder('f', ['i32', 'i32', 'i32']);
    const i = f.local('i32'),
      x = f.local('v128');
    const addr = (base: number) => I32.add(get(base), I32.mul(get(i), i32(4)));
    f.emit(
      Flow.block(
        Flow.loop(
          Flow.brIf(1, I32.eqz(I32.ltU(get(i), get(2)))),
          set(x, V128.load(0, addr(1))),
          V128.store(
            0,
            addr(0),
            F32x4.max(
              F32x4.min(
                F32x4.sub(
                  F32x4.mul(F32x4.abs(get(x)), F32x4.splat(F32.load(0, i32(0)))),
                  F32x4.div(get(x), V128.load32Splat(4, i32(0))),
                ),
                F32x4.sqrt(F32x4.splat(F32.load(8, i32(0)))),
              ),
              F32x4.neg(get(x)),
            ),
          ),
          set(i, I32.add(get(i), i32(4))),
          Flow.br(0),
        ),
      ),
    );
    const memory = new WebAssembly.Memory({ initial: 1 });
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(encodeModule([f])), { env: { memory } });
    const mem = new Float32Array(memory.buffer);
    mem.set([2, 4, 16]); // constants at 0, 4, 8
    const src = [1.5, -3, 0.25, 10, -0.5, 7, -8, 2];
    mem.set(src, 16);
    (exports.f as (d: number, s: number, n: number) => void)(4 * 32, 4 * 16, src.length);
    const want = src.map((v) => Math.max(Math.min(Math.abs(v) * 2 - v / 4, 4), -v));
    expect(Array.from(mem.subarray(32, 32 + src.length))).toEqual(want.map(Math.fround));
  });
});
