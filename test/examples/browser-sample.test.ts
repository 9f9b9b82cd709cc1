// examples/browser-sample runs in CI: the page, bundled by its own build script from the public
// API, loads a checkpoint over HTTP in headless Chromium (WebGPU on SwiftShader) and draws samples
// that equal the ones Node draws from the same files with the same seed on the CPU.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSample, distDir, exampleDir } from '../../examples/browser-sample/build.js';
import type { SampleResult } from '../../examples/browser-sample/sample.js';
import { CHROMIUM, CHROMIUM_ARGS, haveChromium } from '../helpers/chromium.js';
import { decodeCheckpoint, encodeCheckpoint, manualSeed, tensor, useBackend, VAE } from '../../src/index.js';

const chromiumHere = haveChromium();

/** Serves examples/browser-sample read-only on 127.0.0.1 at a random port. */
async function serve(): Promise<{ server: Server; base: string }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json' };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    const file = normalize(join(exampleDir, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(exampleDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** What the page draws for a checkpoint and seed (the same calls as sample.ts), on the CPU. */
async function samplesInNode(folder: string, seed: number): Promise<number[]> {
  await useBackend('cpu');
  const files = {
    config: readFileSync(join(folder, 'config.json'), 'utf8'),
    model: readFileSync(join(folder, 'model.safetensors')),
  };
  const { model } = decodeCheckpoint(files);
  manualSeed(seed);
  const classes = model.config.classes ?? 0;
  const n = classes ? classes * 10 : 16;
  const labels = classes ? tensor(Int32Array.from({ length: n }, (_, i) => Math.floor(i / 10))) : undefined;
  const images = model.sample(n, labels);
  const pixels = Array.from(await images.data());
  images.dispose();
  labels?.dispose();
  model.dispose();
  return pixels;
}

describe.skipIf(!chromiumHere)('examples/browser-sample in headless Chromium', () => {
  const stage = join(distDir, `test-${process.pid}`);
  let server: Server | undefined;
  let browser: Browser | undefined;
  let base = '';

  beforeAll(async () => {
    await buildSample();
    // two small checkpoints in the CLI's format: a VAE and a CVAE with a learned prior
    await useBackend('cpu');
    manualSeed(7);
    const models = {
      vae: new VAE({ inputDim: 784, hidden: [32], latent: 2, likelihood: 'bernoulli' }),
      cvae: new VAE({ inputDim: 784, hidden: [32], latent: 2, likelihood: 'bernoulli', classes: 10, prior: 'learned' }),
    };
    for (const [name, model] of Object.entries(models)) {
      const files = await encodeCheckpoint(model);
      mkdirSync(join(stage, name), { recursive: true });
      writeFileSync(join(stage, name, 'config.json'), files.config);
      writeFileSync(join(stage, name, 'model.safetensors'), files.model);
      model.dispose();
    }
    ({ server, base } = await serve());
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    rmSync(stage, { recursive: true, force: true });
  });

  /** Opens the page on a staged checkpoint and returns what it drew. */
  async function open(name: string, seed: number): Promise<SampleResult> {
    const page = await browser!.newPage();
    const log: string[] = [];
    page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
    await page.goto(`${base}/index.html?checkpoint=dist/test-${process.pid}/${name}&seed=${seed}`);
    try {
      await page.waitForFunction(() => window.__sample !== undefined, undefined, { timeout: 60_000, polling: 100 });
    } catch {
      throw new Error(`the page drew nothing within 60 s; page log:\n${log.join('\n') || '(empty)'}`);
    }
    const result = (await page.evaluate(() => window.__sample))!;
    const status = await page.textContent('#status');
    const canvas = await page.evaluate(() => {
      const c = document.getElementById('samples') as HTMLCanvasElement;
      return [c.width, c.height];
    });
    await page.close();
    if (result.error) throw new Error(`the page failed: ${result.error}\n${log.join('\n')}`);
    expect(status).toMatch(new RegExp(`^${result.kind.toUpperCase()} 2-d latent on webgpu`));
    expect(canvas[0]).toBeGreaterThan(0);
    return result;
  }

  it('runs examples/first-model.ts, bundled as it is, on WebGPU', async () => {
    const page = await browser!.newPage();
    const log: string[] = [];
    page.on('console', (m) => log.push(m.text()));
    page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
    await page.goto(`${base}/first-model.html`);
    await expect
      .poll(() => log.find((l) => l.startsWith('first model on') || l.startsWith('[pageerror]')), { timeout: 60_000 })
      .toBeDefined();
    await page.close();
    const line = log.find((l) => l.startsWith('first model on')) ?? log.join('\n');
    const m = /^first model on webgpu: ([\d.]+)% of the points right$/.exec(line);
    expect(m, line).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(95);
  }, 120_000);

  for (const [name, n, seed] of [
    ['vae', 16, 3],
    ['cvae', 100, 5],
  ] as const) {
    it(`loads a ${name.toUpperCase()} checkpoint and draws the samples Node draws from the same seed`, async () => {
      const result = await open(name, seed);
      expect(result.backend).toBe('webgpu');
      expect(result.kind).toBe(name);
      expect(result.shape).toEqual([n, 784]);
      const want = await samplesInNode(join(stage, name), seed);
      expect(result.pixels).toHaveLength(want.length);
      const worst = Math.max(...result.pixels.map((v, i) => Math.abs(v - want[i]!)));
      expect(worst).toBeLessThan(1e-4);
    }, 120_000);
  }
});
