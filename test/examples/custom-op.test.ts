// examples/custom-op.ts runs in CI: its hand-written backward passes gradcheck, a wrong one is
// rejected, and the op fits a line through outliers on the default backend (WebGPU in CI).
import { afterAll, expect, it } from 'vitest';
import { runCustomOp } from '../../examples/custom-op.js';
import { releaseBackends } from '../../src/index.js';

afterAll(() => releaseBackends());

it('a custom op (Huber loss) with its gradcheck, then in a robust line fit', async () => {
  const r = await runCustomOp({ backend: 'auto' });
  if (process.env.VAE_REQUIRE_WEBGPU === '1') expect(r.backend).toBe('webgpu');
  expect(r.gradcheckError).toBeLessThan(1e-6);
  expect(r.wrongBackwardRejected).toMatch(/^gradcheck: input 0 .* analytic gradient .* but numeric/);
  const [slope, intercept] = r.huberFit;
  expect(Math.abs(slope - 2)).toBeLessThan(0.05);
  expect(Math.abs(intercept - 1)).toBeLessThan(0.2);
  expect(r.squaredFit[1]).toBeGreaterThan(2.2); // least squares is pulled up by the outliers (+15 × 10%)
}, 120_000);
