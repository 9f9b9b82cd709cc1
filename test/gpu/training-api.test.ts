// The training-loop API on WebGPU: useBackend('auto') says what it chose and why, sync() waits
// for the GPU, clipGradNorm matches the CPU and reads nothing back, a changed lr reaches the
// fused Adam kernel, and optimizer state round-trips on the GPU.
import { expect, it, vi } from 'vitest';
import {
  Adam,
  backendInfo,
  clipGradNorm,
  MLP,
  manualSeed,
  randn,
  releaseBackends,
  sync,
  tensor,
  tidy,
  useBackend,
  type Backend,
} from '../../src/index.js';
import { cpuBackend, withDefaults } from '../../src/tensor/backends.js';
import { describeWebGPU, expectClose } from '../helpers/gpu.js';

await describeWebGPU('training API on WebGPU', (gpu) => {
  it("useBackend('auto') returns and logs the choice and the reason; sync() waits for the GPU", async () => {
    const lines: string[] = [];
    const info = await useBackend('auto', { log: (l) => lines.push(l) });
    try {
      expect(info.name).toBe('webgpu');
      expect(info.reason).toBe('auto: a WebGPU adapter was found');
      expect(lines).toEqual([`backend: webgpu — ${info.description} (auto: a WebGPU adapter was found)`]);
      expect(backendInfo()).toEqual(info);
      const x = randn([256, 256]);
      const y = tidy(() => x.matmul(x).relu().matmul(x));
      const chosen = (await import('../../src/tensor/backends.js')).webgpuBackend()!;
      const spy = vi.spyOn(chosen, 'sync');
      await sync();
      expect(spy).toHaveBeenCalledTimes(1);
      await expect(spy.mock.results[0]!.value).resolves.toBeUndefined();
      expect(y.shape).toEqual([256, 256]);
      expect((await useBackend('cpu')).reason).toBe("asked for 'cpu'");
    } finally {
      releaseBackends();
    }
  });

  async function clipOn(backend: Backend) {
    return withDefaults(backend, 'float32', async () => {
      manualSeed(4);
      const net = new MLP([13, 70, 7]);
      tidy(() =>
        net
          .forward(randn([9, 13]).mul(5))
          .square()
          .sum()
          .backward(),
      );
      const before = (backend === gpu ? gpu.stats().submits : 0) as number;
      const norm = clipGradNorm(net.parameters(), 0.5);
      const submitted = backend === gpu ? gpu.stats().submits - before : 0;
      const grads = await Promise.all(net.parameters().map((p) => p.grad!.data()));
      return { norm: await norm.item(), grads, submitted };
    });
  }

  it('clipGradNorm equals the CPU and enqueues without a readback', async () => {
    const want = await clipOn(cpuBackend());
    const got = await clipOn(gpu);
    expect(got.submitted).toBe(0);
    expect(got.norm).toBeGreaterThan(0.5);
    expect(got.norm).toBeCloseTo(want.norm, 2);
    got.grads.forEach((g, i) => expectClose(g, want.grads[i]!, { rtol: 1e-3, atol: 1e-5, what: `grad ${i}` }));
  });

  it('a changed lr reaches the fused Adam kernel; the state round-trips on the GPU', async () => {
    await withDefaults(gpu, 'float32', async () => {
      const p = tensor([0, 0], undefined, { requiresGrad: true });
      const opt = new Adam([p], { lr: 0.1 });
      const step = () =>
        tidy(() => {
          opt.zeroGrad();
          p.sub(tensor([1, -1]))
            .square()
            .sum()
            .backward();
          opt.step();
        });
      step();
      opt.lr = 0.25;
      const saved = opt.stateDict();
      // (withDefaults restores the default backend at the first await: name the backend from here on)
      const q = tensor(Array.from(await p.data()), [2], { requiresGrad: true, backend: gpu });
      const twin = new Adam([q]);
      twin.loadStateDict(saved);
      const target = tensor([1, -1], undefined, { backend: gpu });
      tidy(() => {
        opt.zeroGrad();
        p.sub(target).square().sum().backward();
        opt.step();
      });
      tidy(() => {
        twin.zeroGrad();
        q.sub(target).square().sum().backward();
        twin.step();
      });
      const [a, b] = [await p.data(), await q.data()];
      expect(Array.from(b)).toEqual(Array.from(a));
      // step 1 moved ±0.1; step 2 (same gradient sign, lr 0.25) moves further by < 0.25
      expect(a[0]).toBeGreaterThan(0.1);
      expect(twin.lr).toBe(0.25);
    });
  });
});
