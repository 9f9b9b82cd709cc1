// The fast CPU backend reuses freed buffers: same dtype and size only, never one buffer twice,
// never more than its byte budget; every scratch buffer a kernel takes goes back, so a warm
// training step allocates nothing new; and a training loop on reused buffers computes what the
// reference computes.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { manualSeed, memoryStats, rand, tidy } from '../../src/index.js';
import type { Buf, DType } from '../../src/kernels/backend.js';
import { CpuBackend } from '../../src/kernels/cpu/cpu-backend.js';
import { asCpu, CpuBuf } from '../../src/kernels/cpu/cpu-buffer.js';
import { BufferPool } from '../../src/kernels/cpu-fast/buffer-pool.js';
import { FastCpuBackend } from '../../src/kernels/cpu-fast/fast-cpu-backend.js';
import { Adam } from '../../src/nn/optim.js';
import { withDefaults } from '../../src/tensor/backends.js';
import { VAE } from '../../src/vae/vae.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('CPU buffer pool', () => {
  it('hands a freed buffer to the next alloc of the same dtype and size only', () => {
    const be = new FastCpuBackend();
    const a = be.alloc(100, 'float32');
    be.free(a);
    expect(be.alloc(100, 'int32')).not.toBe(a);
    expect(be.alloc(99, 'float32')).not.toBe(a);
    expect(be.alloc(100, 'float32')).toBe(a);
    expect(be.alloc(100, 'float32')).not.toBe(a);
  });

  it('upload reuses a freed buffer and writes every value', () => {
    const be = new FastCpuBackend();
    const a = be.alloc(4, 'float32');
    be.fill(a, 7);
    be.free(a);
    const b = be.upload(Float32Array.from([1, 2, 3, 4]), 'float32');
    expect(b).toBe(a);
    expect(Array.from(asCpu(b).data)).toEqual([1, 2, 3, 4]);
  });

  it('a buffer freed twice is still handed out once', () => {
    const pool = new BufferPool();
    const buf = new CpuBuf(new Float32Array(8), 'float32');
    pool.give(buf);
    pool.give(buf);
    expect(pool.take(8, 'float32')).toBe(buf);
    expect(pool.take(8, 'float32')).toBeUndefined();
  });

  it('holds at most its budget of bytes', () => {
    const pool = new BufferPool(1000);
    const bufs = Array.from({ length: 5 }, () => new CpuBuf(new Float64Array(50), 'float64')); // 400 bytes each
    for (const b of bufs) pool.give(b);
    expect(pool.heldBytes).toBe(800);
    expect(pool.take(50, 'float64')).toBe(bufs[1]);
    expect(pool.heldBytes).toBe(400);
  });

  it("float32 mapSum frees its scratch buffer of terms (the reference's own loop, and so the fast backend's)", () => {
    // a reference backend that counts what it allocates and frees
    const live = new Set<Buf>();
    class Counting extends CpuBackend {
      override alloc(size: number, dtype: DType): Buf {
        const b = super.alloc(size, dtype);
        live.add(b);
        return b;
      }
      override free(buf: Buf): void {
        live.delete(buf);
      }
    }
    const be = new Counting();
    const [x, t] = [Float32Array.from([-2, 0.5, 3, -1, 0, 4]), Float32Array.from([0, 1, 1, 0, 1, 0])];
    const out = be.upload(new Float32Array(2), 'float32');
    be.mapSum('bceWithLogits', [be.upload(x, 'float32'), be.upload(t, 'float32')], [2, 3], [1], out, { scale: 0.5 });
    expect(live.size).toBe(0);
  });

  it('a warm VAE training step takes every buffer from the pool; memoryStats stays flat', () => {
    // memoryStats counts the buffers of tensors; a kernel's scratch buffer (mapSum's terms) is
    // not one, so a scratch buffer never freed shows only as a fresh allocation every step
    const fresh = vi.spyOn(CpuBackend.prototype, 'alloc'); // FastCpuBackend.alloc's pool miss
    const freshUpload = vi.spyOn(CpuBackend.prototype, 'upload');
    withDefaults(new FastCpuBackend(), 'float32', () => {
      manualSeed(4);
      const model = new VAE({ inputDim: 784, hidden: [32], latent: 4, likelihood: 'bernoulli' });
      const opt = new Adam(model.parameters(), { lr: 1e-3 });
      const x = rand([8, 784]);
      const step = () =>
        tidy(() => {
          opt.zeroGrad();
          model.elbo(x).loss.backward();
          opt.step();
        });
      for (let i = 0; i < 3; i++) step(); // the first steps pack Adam's state and fill the pool
      const before = memoryStats();
      fresh.mockClear();
      freshUpload.mockClear();
      for (let i = 0; i < 3; i++) step();
      expect(fresh).not.toHaveBeenCalled();
      expect(freshUpload).not.toHaveBeenCalled();
      expect(memoryStats()).toEqual(before);
      model.dispose();
      opt.dispose();
      x.dispose();
    });
  });
});
