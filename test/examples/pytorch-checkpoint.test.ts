// examples/load-checkpoint-in-pytorch.py runs in CI: a VAE of PyTorch's examples/vae shape
// (784-400-20), trained a few steps here and saved with saveCheckpoint, loads into PyTorch and
// gives our test -ELBO back — the KL term and the reconstruction at z = mu (no noise) to float
// rounding, the one-sample -ELBO within its Monte Carlo error.
//
// Needs a python3 that imports torch and numpy (scripts/install-pytorch.sh). Without one the
// suite skips with ONE loud line, unless VAE_REQUIRE_PYTORCH=1 (CI), which makes that a failure.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Adam,
  batches,
  defaultModelConfig,
  evaluateElbo,
  manualSeed,
  noGrad,
  subset,
  tensor,
  tidy,
  useBackend,
  VAE,
} from '../../src/index.js';
import { loadMnist, saveCheckpoint } from '../../src/node.js';

const root = resolve(import.meta.dirname, '../..');
const script = join(root, 'examples/load-checkpoint-in-pytorch.py');

/** A python3 that imports torch and numpy: $VAE_PYTHON, the system one (Debian's python3-torch), PATH's. */
function findPython(): string | null {
  for (const python of [process.env.VAE_PYTHON, '/usr/bin/python3', 'python3']) {
    if (!python) continue;
    const r = spawnSync(python, ['-c', 'import torch, numpy'], { encoding: 'utf8', timeout: 120_000 });
    if (r.status === 0) return python;
  }
  return null;
}

const python = findPython();
if (!python) {
  if (process.env.VAE_REQUIRE_PYTORCH === '1')
    throw new Error('VAE_REQUIRE_PYTORCH=1 but no python3 imports torch (install it with scripts/install-pytorch.sh)');
  console.warn('\n*** PyTorch example SKIPPED: no python3 with torch; run scripts/install-pytorch.sh as root ***\n');
}

const dir = mkdtempSync(join(tmpdir(), 'vae-pytorch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!python)('examples/load-checkpoint-in-pytorch.py', () => {
  it("loads our checkpoint into PyTorch's examples/vae model and reproduces the test -ELBO", async () => {
    await useBackend('cpu');
    manualSeed(0);
    const mnist = await loadMnist();
    const model = new VAE(defaultModelConfig('vae')); // 784-400-20, Bernoulli: the example's model
    const opt = new Adam(model.parameters(), { lr: 1e-3 });
    for (const b of batches(subset(mnist.train, 40 * 128), { batchSize: 128, seed: 0 })) {
      tidy(() => {
        opt.zeroGrad();
        model.elbo(tensor(b.images, [b.size, 784])).loss.backward();
        opt.step();
      });
    }
    const n = 2000;
    const test = subset(mnist.test, n);
    const { terms, means } = await evaluateElbo(model, test, test.images);
    means.dispose();
    const reconAtMean = noGrad(() =>
      tidy(() => {
        const x = tensor(test.images, [n, 784]);
        return model.reconstructionNLL(model.decodeRaw(model.encode(x).mu), x).mean();
      }),
    );
    const ours = { ...terms, reconAtMean: await reconAtMean.item() };
    reconAtMean.dispose();
    await saveCheckpoint(dir, model);
    model.dispose();
    opt.dispose();

    const run = spawnSync(python!, [script, '--checkpoint', dir, '--limit', String(n), '--json'], {
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    const torch = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
    expect(torch.images).toBe(n);
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
    expect(rel(torch.kl!, ours.kl)).toBeLessThan(1e-4);
    expect(rel(torch.reconAtMean!, ours.reconAtMean)).toBeLessThan(1e-4);
    // two independent one-sample estimates: their difference has sd √2 · stderr
    expect(Math.abs(torch.loss! - ours.loss)).toBeLessThan(5 * torch.stderr!);
    expect(torch.stderr).toBeLessThan(1);
    // PyTorch's own loss_function (BCE on sigmoid outputs) agrees closely on a briefly trained model
    expect(rel(torch.exampleLossFunction!, torch.loss!)).toBeLessThan(0.01);
  }, 300_000);
});
