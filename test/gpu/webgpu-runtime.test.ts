// The WebGPU runtime: dtypes and errors, the buffer pool and its accounting, batching across
// many dispatches, pool reuse never clobbering unsubmitted work, compile errors naming the
// kernel and line, device loss, and destroy().
import { expect, it } from 'vitest';
import { createWebGPUBackend } from '../../src/kernels/webgpu/index.js';
import { sizeClass } from '../../src/kernels/webgpu/buffer-pool.js';
import { grid1d } from '../../src/kernels/webgpu/grid.js';
import { describeWebGPU, getGpuBackend } from '../helpers/gpu.js';

it('size classes are powers of two or 1.5× powers of two, multiples of 16 bytes', () => {
  for (let bytes = 1; bytes < 100_000; bytes += 37) {
    const c = sizeClass(bytes);
    expect(c).toBeGreaterThanOrEqual(bytes);
    expect(c % 16).toBe(0);
    expect(c).toBeLessThanOrEqual(Math.max(16, bytes * 1.5)); // at most a third of a class is waste
  }
});

it('folds long 1-D launches into a 2-D grid that covers every workgroup', () => {
  expect(grid1d(0)).toEqual([1, 1, 1]);
  expect(grid1d(65535)).toEqual([65535, 1, 1]);
  for (const n of [65536, 100_000, 65535 * 3 + 1, 1e9]) {
    const [x, y] = grid1d(n);
    expect(x).toBeLessThanOrEqual(65535);
    expect(y).toBeLessThanOrEqual(65535);
    expect(x * y).toBeGreaterThanOrEqual(n);
    expect(x * (y - 1)).toBeLessThan(n); // no wholly idle row of workgroups
  }
  expect(() => grid1d(65535 * 65535 + 1)).toThrow(/2-D dispatch grid/);
});

await describeWebGPU('webgpu runtime', (gpu) => {
  it('describes its adapter and stores float32 and int32 only', async () => {
    expect(gpu.name).toBe('webgpu');
    expect(gpu.description).toMatch(/^WebGPU: /);
    expect(gpu.dtypes).toEqual(['float32', 'int32']);
    expect(() => gpu.alloc(4, 'float64')).toThrow(/float64.*not supported.*cpu backend/);
    expect(() => gpu.upload(new Float64Array(4), 'float64')).toThrow(/float64.*cpu backend/);
    const i = gpu.upload(new Int32Array([1, -2, 2 ** 31 - 1]), 'int32');
    const got = await gpu.read(i);
    expect(got).toBeInstanceOf(Int32Array);
    expect(Array.from(got)).toEqual([1, -2, 2 ** 31 - 1]);
    const f = gpu.upload(new Float32Array([1.5, NaN, -Infinity]), 'float32');
    const gf = await gpu.read(f);
    expect(gf).toBeInstanceOf(Float32Array);
    expect(Array.from(gf)).toEqual([1.5, NaN, -Infinity]);
    expect(await gpu.read(gpu.alloc(0, 'float32'))).toHaveLength(0);
    // a Float64Array of float32 data is converted on upload
    expect(Array.from(await gpu.read(gpu.upload(new Float64Array([0.25, 3]), 'float32')))).toEqual([0.25, 3]);
  });

  it('counts live buffers and bytes, and reuses freed buffers from the pool', async () => {
    await gpu.finish();
    const before = gpu.stats();
    const bufs = Array.from({ length: 10 }, () => gpu.alloc(1000, 'float32'));
    expect(gpu.stats().buffers).toBe(before.buffers + 10);
    expect(gpu.stats().bytes).toBe(before.bytes + 40_000);
    bufs.forEach((b) => gpu.free(b));
    expect(gpu.stats().buffers).toBe(before.buffers);
    expect(gpu.stats().bytes).toBe(before.bytes);
    gpu.flush(); // frees reach the pool once their batch is submitted
    expect(gpu.stats().pooledBytes).toBeGreaterThanOrEqual(before.pooledBytes + 10 * 4096);
    const device = gpu.stats().deviceBytes;
    const again = Array.from({ length: 10 }, () => gpu.alloc(900, 'float32'));
    expect(gpu.stats().deviceBytes).toBe(device); // same size class: no new GPU buffers
    again.forEach((b) => gpu.free(b));
    gpu.trimPool();
    gpu.flush();
  });

  it('rejects double free, use after free and foreign buffers', () => {
    const b = gpu.alloc(4, 'float32');
    gpu.free(b);
    expect(() => gpu.free(b)).toThrow(/after free/);
    expect(() => gpu.fill(b, 1)).toThrow(/after free/);
    expect(() => gpu.fill({ size: 4, dtype: 'float32' }, 1)).toThrow(/another backend/);
  });

  it('a freed buffer reused by an upload never clobbers work still waiting to be submitted', async () => {
    // x is read by a queued map, then freed; an upload of the same size class must not land in
    // x's memory before the map has run (queue.writeBuffer runs before the pending submit)
    const x = gpu.upload(new Float32Array(256).fill(1), 'float32');
    const out = gpu.alloc(256, 'float32');
    gpu.map('mulScalar', [{ buf: x, shape: [256] }], out, [256], 3);
    gpu.free(x);
    const y = gpu.upload(new Float32Array(256).fill(100), 'float32');
    expect(Array.from(await gpu.read(out))).toEqual(Array<number>(256).fill(3));
    expect((await gpu.read(y))[0]).toBe(100);
  });

  it('batches many dispatches into few submits and keeps them in order', async () => {
    await gpu.finish();
    const s0 = gpu.stats();
    const x = gpu.upload(new Float32Array([0, 0, 0, 0, 0]), 'float32');
    for (let i = 0; i < 2000; i++) gpu.map('addScalar', [{ buf: x, shape: [5] }], x, [5], 1);
    expect(Array.from(await gpu.read(x))).toEqual([2000, 2000, 2000, 2000, 2000]);
    const s1 = gpu.stats();
    // in-place maps snapshot their input: 2 dispatches each
    expect(s1.dispatches - s0.dispatches).toBeGreaterThanOrEqual(4000);
    expect(s1.submits - s0.submits).toBeLessThanOrEqual(12);
    expect(s1.buffers).toBe(s0.buffers + 1); // the snapshots were all freed
    gpu.free(x);
  });

  it('refuses buffers beyond the binding limit and recovers from validation errors', async () => {
    const limit = gpu.device.limits.maxStorageBufferBindingSize;
    expect(() => gpu.alloc(limit / 4 + 1, 'float32')).toThrow(/exceeds this adapter's limit/);
    // just under the limit the size class would round past it: the exact size is used instead
    const big = gpu.alloc(Math.floor((limit * 0.9) / 4), 'float32');
    gpu.fill(big, 1);
    expect((await gpu.read(big))[1000]).toBe(1);
    gpu.free(big);
    gpu.trimPool();
    // a command the device rejects: the error is thrown by the next call, and the batch it
    // poisoned is dropped, so later work is not silently lost
    const x = gpu.upload(new Float32Array([1, 2, 3, 4]), 'float32');
    gpu.runtime.dispatch(gpu.runtime.kernel('not_wgsl', 'not wgsl', []), {}, [], [1, 1, 1]);
    // the compile error (root cause) is reported, not the invalid bind group it led to
    await expect(gpu.read(x)).rejects.toThrow(/WGSL kernel 'not_wgsl' failed to compile:\n\s+line 1:1: not wgsl/);
    gpu.map('mulScalar', [{ buf: x, shape: [4] }], x, [4], 2);
    expect(Array.from(await gpu.read(x))).toEqual([2, 4, 6, 8]);
  });

  it('reuses bind groups across dispatches on the same buffers, and forgets destroyed buffers', async () => {
    const cache = gpu.runtime.bindGroups;
    const x = gpu.alloc(64, 'float32');
    gpu.fill(x, 1);
    const hits = cache.hits;
    for (let i = 0; i < 10; i++) gpu.fill(x, i);
    expect(cache.hits - hits).toBe(10);
    expect((await gpu.read(x))[63]).toBe(9);
    gpu.free(x);
    gpu.flush();
    const size = cache.size;
    gpu.trimPool(); // destroys x's GPUBuffer: its bind groups must go too
    expect(cache.size).toBeLessThan(size);
    const y = gpu.alloc(64, 'float32');
    gpu.fill(y, 3);
    expect((await gpu.read(y))[0]).toBe(3);
  });

  it('hands out the oldest free buffer of a size first, whatever the order of frees and submits', () => {
    const pool = gpu.runtime.pool;
    const bufs = [0, 1, 2, 3].map(() => pool.acquire(4096)); // fresh: created in this order
    for (const i of [2, 0, 3]) pool.release(bufs[i]!);
    pool.onSubmitted();
    pool.release(bufs[1]!);
    pool.onSubmitted();
    const again = [0, 1, 2, 3].map(() => pool.acquire(4096));
    expect(again.map((b) => bufs.indexOf(b))).toEqual([0, 1, 2, 3]);
    for (const b of again) pool.release(b);
    pool.onSubmitted();
  });

  it("a kernel's output may reuse a buffer freed since the last submit; an upload may not", () => {
    const pool = gpu.runtime.pool;
    const [a, b] = [pool.acquire(2048), pool.acquire(2048)];
    pool.release(a); // freed, not yet submitted: commands recorded before may still read it
    expect(pool.acquire(2048, true)).toBe(a); // a kernel writing it runs after them
    const c = pool.acquire(2048); // a queue.writeBuffer would run before them: a different buffer
    expect(c === a || c === b).toBe(false);
    for (const x of [a, b, c]) pool.release(x);
    pool.onSubmitted();
  });

  it('times work with timestamp queries (or the wall clock)', async () => {
    const x = gpu.alloc(1 << 16, 'float32');
    const t = await gpu.runtime.time(() => gpu.fill(x, 2));
    expect(t.ms).toBeGreaterThanOrEqual(0);
    expect(t.ms).toBeLessThan(1000);
    expect(['timestamp', 'wall']).toContain(t.clock);
    expect((await gpu.read(x))[12345]).toBe(2);
  });

  it('reports a WGSL compile error with the kernel name and the offending line', async () => {
    const rt = gpu.runtime;
    const source = [
      '@group(0) @binding(0) var<uniform> P: array<vec4<u32>, 1>;',
      '@compute @workgroup_size(1)',
      'fn main() {',
      '  let x = P[0].x + undefined_thing;',
      '}',
    ].join('\n');
    const k = rt.kernel('broken_kernel', source, []);
    const buf = gpu.alloc(4, 'float32');
    await expect(gpu.read(buf)).rejects.toThrow(
      /WGSL kernel 'broken_kernel' failed to compile:\n\s+line 4:.*undefined_thing/,
    );
    expect(k.name).toBe('broken_kernel');
    // the backend keeps working afterwards
    gpu.fill(buf, 5);
    expect((await gpu.read(buf))[0]).toBe(5);
  });
});

it('a lost device makes the next call throw a clear error, and destroy() releases it', async () => {
  const gpu = await getGpuBackend();
  if (!gpu) return;
  const buf = gpu.alloc(4, 'float32');
  gpu.device.destroy(); // what a driver reset or GPU removal looks like from here
  await gpu.device.lost;
  await new Promise((r) => setTimeout(r, 0));
  expect(() => gpu.fill(buf, 1)).toThrow(/WebGPU device lost.*Create a new backend/);
  await expect(gpu.read(buf)).rejects.toThrow(/device lost/);

  const other = await createWebGPUBackend();
  other!.destroy();
  expect(() => other!.alloc(4, 'float32')).toThrow(/after destroy/);
});
