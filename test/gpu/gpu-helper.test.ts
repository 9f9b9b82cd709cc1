// The GPU test fixture itself: without an adapter it skips loudly, unless CI demands WebGPU.
import { afterEach, expect, it } from 'vitest';
import { getGpuBackend } from '../helpers/gpu.js';

const noAdapter = async (): Promise<null> => null;
const saved = process.env.VAE_REQUIRE_WEBGPU;
afterEach(() => {
  if (saved === undefined) delete process.env.VAE_REQUIRE_WEBGPU;
  else process.env.VAE_REQUIRE_WEBGPU = saved;
});

it('returns null when there is no adapter, so GPU suites skip', async () => {
  delete process.env.VAE_REQUIRE_WEBGPU;
  let announced = 0;
  expect(await getGpuBackend(noAdapter, () => announced++)).toBeNull();
  expect(announced).toBe(1);
});

it('fails when VAE_REQUIRE_WEBGPU=1 and there is no adapter', async () => {
  process.env.VAE_REQUIRE_WEBGPU = '1';
  await expect(getGpuBackend(noAdapter, () => {})).rejects.toThrow(
    /VAE_REQUIRE_WEBGPU=1 but no WebGPU adapter.*install-webgpu-driver/,
  );
});
