// useBackend('auto') on a machine without a WebGPU adapter: the CPU, and the reason says why
// and what to install; sync() resolves on the CPU alone.
import { expect, it, vi } from 'vitest';
import { backendInfo, sync, useBackend } from '../../src/index.js';

vi.mock('../../src/kernels/webgpu/index.js', () => ({ createWebGPUBackend: async () => null }));

it("'auto' falls back to the CPU and says why; 'webgpu' refuses", async () => {
  expect(backendInfo().reason).toMatch(/the default/);
  const lines: string[] = [];
  const info = await useBackend('auto', { log: (l) => lines.push(l) });
  expect(info.name).toBe('cpu');
  expect(info.reason).toMatch(/^auto: no WebGPU adapter found, so the CPU\. .*install-webgpu-driver\.sh/);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^backend: cpu — .*\(auto: no WebGPU adapter found/);
  await expect(useBackend('webgpu')).rejects.toThrow(/useBackend: no WebGPU adapter found/);
  await expect(sync()).resolves.toBeUndefined();
});
