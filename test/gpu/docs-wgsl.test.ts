// The WGSL that docs/*.md shows as generated (`<!-- wgsl: KERNEL -->` before a fenced block) is
// what the WebGPU backend really compiles: a small VAE's training step runs on WebGPU, and each
// block must appear in the source of the kernel of that name (kernelsInUse(), the public API the
// lab's engine panel uses), with `// …` lines standing for what the page leaves out.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { Adam, kernelsInUse, manualSeed, rand, releaseBackends, tidy, useBackend, VAE } from '../../src/index.js';
import { codeBlocks, findPieces } from '../helpers/doc-blocks.js';
import { getGpuBackend } from '../helpers/gpu.js';

const root = resolve(import.meta.dirname, '../..');
const gpu = await getGpuBackend();
gpu?.destroy();
afterAll(() => releaseBackends());

it.skipIf(!gpu)('the WGSL quoted in docs/ is the WGSL the backend compiles for a VAE step', async () => {
  await useBackend('webgpu');
  manualSeed(0);
  const model = new VAE({ inputDim: 784, hidden: [32], latent: 4, likelihood: 'bernoulli' });
  const opt = new Adam(model.parameters());
  tidy(() => {
    opt.zeroGrad();
    model.elbo(rand([8, 784])).loss.backward();
    opt.step();
  });
  // one name may have several variants (dtypes, broadcast reads): a block must be in one of them
  const kernels = new Map<string, string[]>();
  for (const k of kernelsInUse()) kernels.set(k.name, [...(kernels.get(k.name) ?? []), k.source]);
  const pages = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md'));
  let checked = 0;
  for (const page of pages) {
    for (const b of codeBlocks(readFileSync(join(root, 'docs', page), 'utf8'))) {
      if (b.source?.kind !== 'wgsl') continue;
      const sources = kernels.get(b.source.target) ?? [];
      const names = [...kernels.keys()].join(', ');
      expect(sources.length, `docs/${page}:${b.line}: no kernel '${b.source.target}' in ${names}`).toBeGreaterThan(0);
      const found = sources.some((source) => findPieces(source, b.body) === null);
      expect(found, `docs/${page}:${b.line}: not in kernel ${b.source.target}:\n${sources[0]}`).toBe(true);
      checked++;
    }
  }
  expect(checked).toBeGreaterThan(0);
  model.dispose();
  opt.dispose();
});
