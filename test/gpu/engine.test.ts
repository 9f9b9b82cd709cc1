// Engine introspection (the public API the lab's engine panel is built on): adapter and limits,
// kernel launch counters, the WGSL of kernels in use, per-kernel times, and a device loss that
// is reported, survivable (tensors of the dead device can still be disposed) and recoverable.
import { afterAll, describe, expect, it } from 'vitest';
import {
  kernelCounters,
  kernelsInUse,
  memoryStats,
  profileKernels,
  releaseBackends,
  simulateDeviceLoss,
  tensor,
  useBackend,
  webgpuAdapter,
  webgpuDeviceLost,
} from '../../src/index.js';
import { getGpuBackend } from '../helpers/gpu.js';

const probe = await getGpuBackend();
probe?.destroy();

describe('engine introspection on the CPU backend', () => {
  it('reports no adapter, no counters, no kernels, no profile, no loss', async () => {
    await useBackend('cpu');
    expect(webgpuAdapter()).toBeNull();
    expect(kernelCounters()).toBeNull();
    expect(kernelsInUse()).toEqual([]);
    expect(await profileKernels(() => undefined)).toBeNull();
    expect(webgpuDeviceLost()).toBeNull();
    expect(() => simulateDeviceLoss()).not.toThrow();
  });
});

describe.skipIf(!probe)('engine introspection on WebGPU', () => {
  afterAll(() => releaseBackends());

  it('describes the adapter and the device limits', async () => {
    await useBackend('webgpu');
    const a = webgpuAdapter()!;
    expect(a).not.toBeNull();
    expect(a.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
    expect(a.limits.maxComputeWorkgroupSizeX).toBeGreaterThanOrEqual(64);
    expect(a.features).toEqual([...a.features].sort());
    expect(typeof a.isFallbackAdapter).toBe('boolean');
  });

  it('counts launches per kernel and gives the WGSL of each kernel in use', async () => {
    await useBackend('webgpu');
    const x = tensor([1, 2, 3, 4]);
    const y = tensor([5, 6, 7, 8]);
    x.add(y).dispose(); // compiles the kernel
    const before = kernelCounters()!;
    const perKernel = new Map(kernelsInUse().map((k) => [k.source, k.launches]));
    const z = x.add(y);
    expect(Array.from(await z.data())).toEqual([6, 8, 10, 12]);
    const after = kernelCounters()!;
    expect(after.launches - before.launches).toBe(1);
    expect(after.submits).toBeGreaterThan(before.submits);
    const grown = kernelsInUse().filter((k) => k.launches !== (perKernel.get(k.source) ?? 0));
    expect(grown).toHaveLength(1);
    expect(grown[0]!.name).toMatch(/add/);
    expect(grown[0]!.source).toMatch(/@compute/);
    expect(after.pipelines).toBe(kernelsInUse().length);
    for (const t of [x, y, z]) t.dispose();
  });

  it('times each kernel launch of some work with timestamp queries (null without them)', async () => {
    await useBackend('webgpu');
    const x = tensor(new Float32Array(64 * 64).fill(0.5), [64, 64]);
    const p = await profileKernels(async () => {
      const y = x.matmul(x).exp();
      await y.data();
      y.dispose();
    });
    if (webgpuAdapter()!.features.includes('timestamp-query')) {
      expect(p).not.toBeNull();
      expect(p!.clock).toBe('timestamp');
      expect(p!.dispatches).toBe(2);
      expect(p!.kernels.map((k) => k.name).join(' ')).toMatch(/matmul/);
      expect(p!.kernelMs).toBeGreaterThanOrEqual(0);
    } else expect(p).toBeNull();
    x.dispose();
  });

  it('a lost device is reported, its tensors can still be disposed, and a new device takes over', async () => {
    await useBackend('webgpu');
    const live = tensor([1, 2, 3]);
    const bytes = memoryStats().bytes;
    simulateDeviceLoss();
    await expect.poll(() => webgpuDeviceLost(), { timeout: 5000 }).toMatch(/WebGPU device lost/);
    expect(() => live.add(1)).toThrow(/device lost/);
    live.dispose();
    expect(memoryStats().bytes).toBe(bytes - 12);
    releaseBackends();
    await useBackend('webgpu');
    expect(webgpuDeviceLost()).toBeNull();
    const again = tensor([1, 2, 3]).mul(2);
    expect(Array.from(await again.data())).toEqual([2, 4, 6]);
    again.dispose();
  });
});
