// The package as a user gets it: `npm pack`, installed into an empty folder, imported from
// plain Node ESM, with its type declarations in place.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'vae-webgpu-pack-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_loglevel: 'error' },
  });

it('packs, installs into an empty folder and imports from plain Node ESM', () => {
  npm(['pack', '--pack-destination', work], root);
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  expect(tarball).toBeDefined();
  const app = join(work, 'app');
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'app', version: '1.0.0', type: 'module', private: true }),
  );
  npm(['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, tarball!)], app);
  expect(existsSync(join(app, 'node_modules/vae-webgpu/dist/index.d.ts'))).toBe(true);
  writeFileSync(
    join(app, 'main.mjs'),
    `import { tensor, gradcheck, VAE } from 'vae-webgpu';
import { loadMnist } from 'vae-webgpu/node';
const x = tensor([1, 2, 3], undefined, { requiresGrad: true });
x.square().sum().backward();
const grad = Array.from(await x.grad.data());
const report = await gradcheck((x) => x.exp().sum(), [x]);
const { test } = await loadMnist();
const model = new VAE({ inputDim: 784, hidden: [8], latent: 2, likelihood: 'bernoulli' });
const images = tensor(test.images.subarray(0, 2 * 784), [2, 784]);
const loss = await model.elbo(images).loss.item();
console.log(JSON.stringify({ grad, ok: report.ok, testImages: test.count, finite: Number.isFinite(loss) }));`,
  );
  const out = execFileSync('node', ['main.mjs'], { cwd: app, encoding: 'utf8' });
  expect(JSON.parse(out.trim())).toEqual({ grad: [2, 4, 6], ok: true, testImages: 10000, finite: true });
}, 300_000);
