// Model code owns its memory (issue: model code without hand disposal): every public VAE/CVAE
// method and every exported Gaussian/likelihood function, called outside tidy, leaves alive
// only what it returns. The WebGPU run of the same check is in test/gpu/vae-memory.test.ts.
import { expect, it } from 'vitest';
import { klToStandardNormal, randn } from '../../src/index.js';
import { cpuBackend } from '../../src/tensor/backends.js';
import { checkModelCodeOwnsItsMemory, live } from '../helpers/scoped-memory.js';

it('every public model call, outside tidy, leaves only its result alive (CPU, with and without grad)', () => {
  checkModelCodeOwnsItsMemory(cpuBackend());
});

it('a call that throws half-way frees what it made', () => {
  const [mu, logvar] = [randn([2, 3]), randn([2, 4])];
  const before = live();
  expect(() => klToStandardNormal(mu, logvar)).toThrow(/cannot be broadcast/);
  expect(live()).toEqual(before);
  mu.dispose();
  logvar.dispose();
});
