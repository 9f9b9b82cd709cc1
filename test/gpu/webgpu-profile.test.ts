// Profile mode: backend.profile(fn) names every kernel fn launched, counts its launches and
// gives each a non-negative time, with both clocks (timestamp queries and the CPU-timed replay);
// the profiled work still computes the right values. No timing assertions: machines are noisy,
// speed targets live in bench/. Also: waiting for the device leaves setImmediate as it was.
import { expect, it } from 'vitest';
import type { Buf, MatmulDesc } from '../../src/kernels/backend.js';
import { formatProfile, type Profile } from '../../src/kernels/webgpu/index.js';
import { describeWebGPU, expectClose, randomArray } from '../helpers/gpu.js';

await describeWebGPU('webgpu profile', (gpu, cpu) => {
  const m = 8,
    k = 12,
    n = 16;
  const desc: MatmulDesc = {
    batch: 1,
    m,
    n,
    k,
    transA: false,
    transB: true,
    aBatchStride: 0,
    bBatchStride: 0,
    activation: 'relu',
  };
  const a = randomArray(m * k, 1),
    b = randomArray(n * k, 2),
    bias = randomArray(n, 3);

  /** A small forward pass: linear + relu, exp, row sums. */
  function work(be: typeof gpu | typeof cpu): { out: Buf; sums: Buf } {
    const [ga, gb, gbias] = [a, b, bias].map((x) => be.upload(x, 'float32')) as [Buf, Buf, Buf];
    const h = be.alloc(m * n, 'float32');
    be.matmul(ga, gb, h, { ...desc, bias: gbias });
    const e = be.alloc(m * n, 'float32');
    be.map('exp', [{ buf: h, shape: [m, n] }], e, [m, n]);
    be.map('exp', [{ buf: e, shape: [m, n] }], h, [m, n]);
    const sums = be.alloc(m, 'float32');
    be.reduce('sum', e, [m, n], [1], sums);
    return { out: h, sums };
  }

  function expectSensible(p: Profile): void {
    const byName = Object.fromEntries(p.kernels.map((x) => [x.name, x]));
    const matmul = p.kernels.find((x) => x.name.startsWith('matmul'));
    expect(matmul?.name).toMatch(/^matmul (blocked|naive|tiled) NT bias\+relu 8×12·12×16$/);
    expect(matmul?.count).toBe(1);
    expect(byName['map exp 8×16']?.count).toBe(2);
    expect(p.kernels.find((x) => x.name.startsWith('reduce sum'))?.name).toMatch(/^reduce sum (serial|tree) 8×16→8$/);
    expect(p.dispatches).toBe(p.kernels.reduce((s, x) => s + x.count, 0));
    for (const x of p.kernels) expect(x.totalMs).toBeGreaterThanOrEqual(0);
    expect(p.kernelMs).toBeCloseTo(
      p.kernels.reduce((s, x) => s + x.totalMs, 0),
      9,
    );
    expect(p.wallMs).toBeGreaterThan(0);
    // slowest first
    for (let i = 1; i < p.kernels.length; i++)
      expect(p.kernels[i - 1]!.totalMs).toBeGreaterThanOrEqual(p.kernels[i]!.totalMs);
  }

  it('names, counts and times each kernel of the profiled work, which still computes the right values', async () => {
    const want = work(cpu);
    let got: { out: Buf; sums: Buf } | null = null;
    const p = await gpu.profile(() => {
      got = work(gpu);
    });
    expect(p.clock).toBe(gpu.runtime.hasTimestamps ? 'timestamp' : 'wall');
    expectSensible(p);
    expectClose(await gpu.read(got!.out), await cpu.read(want.out), { rtol: 1e-5, atol: 1e-5 });
    expectClose(await gpu.read(got!.sums), await cpu.read(want.sums), { rtol: 1e-5, atol: 1e-5 });
    const text = formatProfile(p, { steps: 1, stepMs: 10 });
    expect(text).toMatch(/\| map exp 8×16 \| 2 \|/);
    expect(text).toMatch(/rest: JS, launches, sync, readback/);
  });

  it("the 'wall' clock replays each recorded kernel alone, with a sync after it", async () => {
    const p = await gpu.profile(() => void work(gpu), { clock: 'wall' });
    expect(p.clock).toBe('wall');
    expectSensible(p);
    expect(p.syncMs).toBeGreaterThanOrEqual(0);
  });

  it('profiles work that reads back, is async, and launches more kernels than one query set holds', async () => {
    const x = gpu.upload(randomArray(64, 4), 'float32');
    const y = gpu.alloc(64, 'float32');
    const p = await gpu.profile(async () => {
      for (let i = 0; i < 1100; i++)
        gpu.map(i % 2 ? 'exp' : 'neg', [{ buf: i % 2 ? y : x, shape: [64] }], i % 2 ? x : y, [64]);
      await gpu.read(x);
      gpu.map('neg', [{ buf: x, shape: [64] }], y, [64]);
    });
    expect(p.dispatches).toBe(1101);
    expect(p.kernels.find((e) => e.name === 'map neg 64')?.count).toBe(551);
    expect(p.kernels.find((e) => e.name === 'map exp 64')?.count).toBe(550);
    // back to normal afterwards: one pass, no timestamps
    const after = gpu.stats().dispatches;
    gpu.map('neg', [{ buf: x, shape: [64] }], y, [64]);
    await gpu.finish();
    expect(gpu.stats().dispatches).toBe(after + 1);
  });

  it('refuses nested profiles and time() inside a profile', async () => {
    await expect(gpu.profile(() => gpu.profile(() => {}).then(() => {}))).rejects.toThrow(/cannot nest/);
    await expect(gpu.profile(() => gpu.runtime.time(() => {}).then(() => {}))).rejects.toThrow(
      /time\(\) cannot run inside profile/,
    );
    // a failing fn: its error comes out, and profiling works again afterwards
    await expect(
      gpu.profile(() => {
        work(gpu);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expectSensible(await gpu.profile(() => void work(gpu)));
  });

  it('waiting for the device puts setImmediate back, and JS callbacks queued meanwhile still run', async () => {
    const before = globalThis.setImmediate;
    const x = gpu.upload(randomArray(1 << 16, 5), 'float32');
    const y = gpu.alloc(1 << 16, 'float32');
    for (let i = 0; i < 50; i++) gpu.map('exp', [{ buf: i % 2 ? y : x, shape: [1 << 16] }], i % 2 ? x : y, [1 << 16]);
    let ran = false;
    const reading = gpu.read(x);
    setImmediate(() => (ran = true));
    await reading;
    await new Promise((r) => setTimeout(r, 5));
    expect(ran).toBe(true);
    expect(globalThis.setImmediate).toBe(before);
  });
});
