// The VAE lab in a real browser: `npm run lab` serves the page, Playwright drives Debian's
// Chromium (WebGPU on SwiftShader), and the tests do what a learner would: train and pause,
// look at the pictures, draw a digit, lose the GPU device, feed the page bad files, save a
// checkpoint for `vae sample` and load one from `vae train` that must give `vae eval`'s -ELBO;
// then `npm run lab:build`'s static folder, from a plain file server, in a Chromium without
// WebGPU. Small models and data cuts keep it quick on SwiftShader; no console error or page
// error is allowed anywhere.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Download, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, CHROMIUM_ARGS_NO_WEBGPU, haveChromium } from '../helpers/chromium.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const chromiumHere = haveChromium();

/** A small VAE (2-d latent, so the latent map is the latent space itself) on 1024 images: 32 steps per epoch. */
const SMALL = 'model=vae&latent=2&hidden=32&batch=32&limit=1024&seed=1';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Signals a child started with `detached: true` and everything it started: `npm run` hands the work
 * to a shell and then node, and a signal to npm alone leaves them running after the tests.
 */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // the group is gone already
  }
}

function run(cmd: string, args: string[], timeoutMs = 120_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const vae = (...args: string[]) => run(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args]);

/** `npm run lab -- --port 0`: resolves with the URL it prints once it serves. */
function startLab(): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'lab', '--', '--port', '0'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`npm run lab printed no URL within 60 s:\n${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d;
      const m = out.match(/serving on (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]! });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`npm run lab exited with ${code}:\n${out}`)));
  });
}

/** Pixels of a canvas that differ from its first pixel. */
function ink(page: Page, id: string): Promise<number> {
  return page.evaluate((canvasId) => {
    const c = document.getElementById(canvasId) as HTMLCanvasElement;
    if (!c.width || !c.height) return 0;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 4; i < d.length; i += 4)
      if (d[i] !== d[0] || d[i + 1] !== d[1] || d[i + 2] !== d[2] || d[i + 3] !== d[3]) n++;
    return n;
  }, id);
}

type LabHook = NonNullable<Window['__lab']>;

/** What the page recorded (window.__lab), and a value computed from it here in Node. */
async function hook<T>(page: Page, pick: (h: LabHook) => T): Promise<T> {
  return pick((await page.evaluate(() => window.__lab)) as LabHook);
}

async function waitForStep(page: Page, step: number, timeout = 120_000): Promise<void> {
  await page.waitForFunction((n) => (window.__lab?.step ?? 0) >= n, step, { timeout, polling: 100 });
}

async function pause(page: Page): Promise<number> {
  await page.click('#pause');
  await page.waitForFunction(() => window.__lab?.state === 'idle', undefined, { timeout: 30_000, polling: 50 });
  return hook(page, (h) => h.step);
}

/** Clicks Save and returns the two downloaded files' paths by name. */
async function saveCheckpoint(page: Page, dir: string): Promise<Record<string, string>> {
  const got: Record<string, string> = {};
  const done = new Promise<void>((resolve) => {
    const onDownload = async (d: Download) => {
      const path = join(dir, d.suggestedFilename());
      await d.saveAs(path);
      got[d.suggestedFilename()] = path;
      if (Object.keys(got).length === 2) {
        page.off('download', onDownload);
        resolve();
      }
    };
    page.on('download', onDownload);
  });
  await page.click('#save');
  await done;
  return got;
}

/** Collects console errors and page errors of a page. */
function watch(page: Page, log: string[]): void {
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') log.push(`[console.${m.type()}] ${m.text()}`);
  });
  page.on('pageerror', (e) => log.push(`[pageerror] ${e.stack ?? e.message}`));
}

describe.skipIf(!chromiumHere)('the VAE lab (npm run lab, headless Chromium)', () => {
  let lab: { child: ChildProcess; url: string } | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const log: string[] = [];
  let tmp: string;
  let cliCheckpoint: Promise<{ dir: string; elbo: number; recon: number; kl: number }>;
  /** Train -ELBO of the first steps of the first run. */
  let firstLosses: number[] = [];

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'vae-lab-test-'));
    // a CLI-trained checkpoint and its `vae eval`, made while the browser starts
    cliCheckpoint = (async () => {
      const dir = join(tmp, 'cli');
      const train = await vae(
        'train',
        ...['--epochs', '1', '--limit', '512', '--hidden', '32', '--latent', '2', '--batch', '64'],
        ...['--backend', 'cpu', '--seed', '3', '--out', dir],
      );
      if (train.code !== 0) throw new Error(`vae train failed:\n${train.stdout}\n${train.stderr}`);
      const ev = await vae('eval', '--checkpoint', dir, '--k', '1', '--limit', '1', '--backend', 'cpu', '--seed', '0');
      const m = ev.stdout.match(/test -ELBO ([\d.]+) nats \(recon ([\d.]+), KL ([\d.]+)\)/);
      if (ev.code !== 0 || !m) throw new Error(`vae eval failed:\n${ev.stdout}\n${ev.stderr}`);
      return { dir, elbo: Number(m[1]), recon: Number(m[2]), kl: Number(m[3]) };
    })();
    cliCheckpoint.catch(() => undefined); // awaited by its test
    lab = await startLab();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    watch(page, log);
    await page.goto(`${lab.url}?${SMALL}`);
    await page.waitForFunction(() => window.__lab?.ready, undefined, { timeout: 60_000, polling: 100 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (lab) killGroup(lab.child, 'SIGTERM');
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('npm run lab prints its URL on 127.0.0.1, and refuses a port that is taken', async () => {
    expect(lab!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const port = new URL(lab!.url).port;
    const second = await run('npm', ['run', 'lab', '--', '--port', port], 60_000);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
    const bad = await run('npm', ['run', 'lab', '--', '--port', 'http'], 60_000);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("--port must be an integer from 1 to 65535, got 'http'");
  }, 120_000);

  it('starts on WebGPU with the URL config, no banner, and MNIST from the server', async () => {
    const h = await hook(page, (x) => ({ backend: x.backend, model: x.model, notices: x.notices }));
    expect(h.backend?.name).toBe('webgpu');
    expect(h.backend?.adapter?.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
    expect(h.model?.config).toMatchObject({ model: 'vae', latent: 2, hidden: [32], batch: 32, limit: 1024, seed: 1 });
    expect(h.notices).toEqual([]);
    expect(await page.textContent('#train')).toBe('Train');
    expect(page.url()).toContain('latent=2');
  });

  it('Train: the loss falls, pictures and latent map drawn, memory stays flat, Pause stops the counter', async () => {
    await page.click('#train');
    await waitForStep(page, 300);
    const steps = await pause(page);
    const h = await hook(page, (x) => ({
      points: x.points.map((p) => p.recon + p.kl),
      memory: x.memory,
      evals: x.epochEvals.length,
      pauseMs: x.pauseMs,
    }));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(h.points.length).toBe(steps);
    expect(h.points.every(Number.isFinite)).toBe(true);
    firstLosses = h.points.slice(0, 8);
    const [first, last] = [mean(h.points.slice(0, 10)), mean(h.points.slice(-30))];
    console.log(
      `lab: ${steps} steps, train -ELBO ${first.toFixed(1)} -> ${last.toFixed(1)}; ` +
        `pause answered in ${h.pauseMs?.toFixed(0)} ms`,
    );
    expect(last).toBeLessThan(first - 50);
    expect(h.evals).toBeGreaterThanOrEqual(8); // one test -ELBO per 32-step epoch
    // memory: after the first steps, every step frees what it made
    const settled = h.memory.filter((m) => m.step >= 20);
    expect(settled.length).toBeGreaterThan(10);
    for (const key of ['tensors', 'buffers', 'bytes'] as const) {
      const values = new Set(settled.map((m) => m[key]));
      expect(values.size, `${key} over steps 20..${steps}: ${[...values].join(', ')}`).toBe(1);
    }
    // paused: the step counter stays put
    await page.waitForTimeout(1000);
    expect(await hook(page, (x) => x.step)).toBe(steps);
    expect(await page.getAttribute('#status', 'data-state')).toBe('idle');
    await page.waitForFunction(() => (window.__lab?.latentDrawn ?? 0) > 0, undefined, { timeout: 30_000 });
    for (const id of ['samples', 'originals', 'recons', 'scatter', 'manifold', 'cursor-image', 'chart-loss'])
      expect(await ink(page, id), `canvas #${id} is blank`).toBeGreaterThan(100);
  }, 240_000);

  it('Step runs exactly one step of a paused model', async () => {
    const before = await hook(page, (x) => x.step);
    await page.click('#step');
    await page.waitForFunction((n) => window.__lab?.step === n + 1 && window.__lab.state === 'idle', before, {
      timeout: 30_000,
    });
  });

  it('the same settings and seed reproduce the run: Reset, train again, the same losses step by step', async () => {
    expect(firstLosses).toHaveLength(8);
    await page.click('#reset');
    await page.waitForFunction(() => window.__lab?.step === 0 && window.__lab.state === 'idle', undefined, {
      timeout: 30_000,
    });
    await page.click('#train');
    await waitForStep(page, 12);
    await pause(page);
    const again = await hook(page, (x) => x.points.slice(0, 8).map((p) => p.recon + p.kl));
    expect(again).toEqual(firstLosses);
  }, 60_000);

  it('a drawn digit gets a reconstruction, a place on the latent map and a -ELBO', async () => {
    await page.locator('#draw-canvas').scrollIntoViewIfNeeded();
    const box = (await page.locator('#draw-canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.2);
    await page.mouse.down();
    for (let i = 0; i <= 24; i++)
      await page.mouse.move(
        box.x + box.width * (0.45 + 0.05 * Math.sin(i / 4)),
        box.y + box.height * (0.2 + 0.025 * i),
      );
    await page.mouse.up();
    await page.waitForFunction(() => window.__lab?.lastDraw, undefined, { timeout: 30_000 });
    const d = await hook(page, (x) => ({ terms: x.lastDraw!.terms, point: x.lastDraw!.point }));
    expect(Number.isFinite(d.terms.loss) && d.terms.loss > 0).toBe(true);
    expect(d.terms.loss).toBeCloseTo(d.terms.recon + d.terms.kl, 3);
    expect(d.point).not.toBeNull();
    expect(await ink(page, 'draw-canvas')).toBeGreaterThan(20);
    expect(await ink(page, 'draw-recon')).toBeGreaterThan(100);
    expect(await page.textContent('#draw-result')).toContain('−ELBO');
  });

  it('the engine panel shows the adapter, kernel launches per step, kernel times and WGSL', async () => {
    await page.waitForFunction(
      () => /kernel launches per step/.test(document.getElementById('launches')!.textContent!),
      undefined,
      {
        timeout: 30_000,
      },
    );
    expect(await page.textContent('#adapter')).toMatch(/WebGPU/);
    expect(await page.locator('#limits tr').count()).toBeGreaterThan(10);
    const launches = Number((await page.textContent('#launches'))!.match(/^(\d+) kernel launches per step/)![1]);
    expect(launches).toBeGreaterThan(10);
    await page.waitForFunction(() => /@compute/.test(document.getElementById('wgsl')!.textContent ?? ''), undefined, {
      timeout: 30_000,
    });
    await page.click('#profile');
    await page.waitForFunction(() => document.querySelectorAll('#profile-table tr').length > 5, undefined, {
      timeout: 30_000,
    });
    expect(await page.textContent('#profile-table')).toMatch(/matmul/);
  });

  it('a lost GPU device is reported and training continues on a new device, charts intact', async () => {
    await page.click('#train');
    const start = await hook(page, (x) => x.step);
    await waitForStep(page, start + 20);
    const before = await hook(page, (x) => x.points.map((p) => p.step));
    await page.evaluate(() =>
      (window as Window & { __labDebug?: { loseDevice(): Promise<unknown> } }).__labDebug!.loseDevice(),
    );
    await page.waitForFunction(() => window.__lab?.notices.some((n) => /^Recovered/.test(n.text)), undefined, {
      timeout: 60_000,
    });
    const resumedAt = await hook(page, (x) => x.step);
    await waitForStep(page, resumedAt + 20);
    const steps = await pause(page);
    const h = await hook(page, (x) => ({
      notices: x.notices.map((n) => `${n.level}: ${n.text}`),
      steps: x.points.map((p) => p.step),
      backend: x.backend?.name,
      last: x.points.slice(-5).map((p) => p.loss),
    }));
    expect(h.notices.some((n) => /^warn: WebGPU device lost/.test(n))).toBe(true);
    // the charts keep every point from before the loss, and go on in order after it
    expect(h.steps.slice(0, before.length)).toEqual(before);
    expect(h.steps.at(-1)).toBe(steps);
    expect(h.steps.every((x, i) => i === 0 || x > h.steps[i - 1]!)).toBe(true);
    expect(h.backend).toBe('webgpu');
    expect(h.last.every(Number.isFinite)).toBe(true);
  }, 180_000);

  it('bad input gets a clear message and loses nothing of the running session', async () => {
    const before = await hook(page, (x) => ({ step: x.step, points: x.points.length, model: x.model }));
    const message = () => page.textContent('#checkpoint-message');
    const config = JSON.stringify({
      format: 'vae-webgpu/1',
      model: { inputDim: 784, hidden: [32], latent: 2, likelihood: 'bernoulli' },
    });
    // not a safetensors file
    await page.setInputFiles('#load', [
      { name: 'config.json', mimeType: 'application/json', buffer: Buffer.from(config) },
      { name: 'model.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from('hello, not weights') },
    ]);
    await page.waitForFunction(() =>
      /Nothing changed/.test(document.getElementById('checkpoint-message')!.textContent!),
    );
    expect(await message()).toMatch(/^model\.safetensors: not a valid safetensors file/);
    // a checkpoint of another shape: this page's own weights with a config that says hidden 48
    const files = await saveCheckpoint(page, join(tmp, 'saved-for-bad-input'));
    expect(Object.keys(files).sort()).toEqual(['config.json', 'model.safetensors']);
    const saved = JSON.parse(readFileSync(files['config.json']!, 'utf8'));
    saved.model.hidden = [48];
    await page.setInputFiles('#load', [
      { name: 'config.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(saved)) },
      {
        name: 'model.safetensors',
        mimeType: 'application/octet-stream',
        buffer: readFileSync(files['model.safetensors']!),
      },
    ]);
    await page.waitForFunction(() =>
      /Nothing changed/.test(document.getElementById('checkpoint-message')!.textContent!),
    );
    expect(await message()).toMatch(/encoder\.0\.weight.*\[32, ?784\].*expects.*\[48, ?784\]/);
    // only one of the two files
    await page.setInputFiles('#load', [
      { name: 'config.json', mimeType: 'application/json', buffer: Buffer.from(config) },
    ]);
    await page.waitForFunction(() =>
      /needs its model\.safetensors/.test(document.getElementById('checkpoint-message')!.textContent!),
    );
    // a latent size out of range
    await page.fill('input[name=latent]', '100');
    await page.click('#reset');
    await page.waitForFunction(() =>
      /latent size must be an integer from 2 to 64, got 100/.test(
        document.getElementById('config-message')!.textContent!,
      ),
    );
    const after = await hook(page, (x) => ({ step: x.step, points: x.points.length, model: x.model }));
    expect(after).toEqual(before);
    await page.fill('input[name=latent]', '2');
  }, 60_000);

  it('a page checkpoint loads in vae sample', async () => {
    const dir = join(tmp, 'from-page');
    await saveCheckpoint(page, dir);
    const out = join(tmp, 'page-samples.png');
    const r = await vae('sample', '--checkpoint', dir, '--n', '8', '--out', out, '--backend', 'cpu');
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(out)).toBe(true);
  }, 60_000);

  it('a CLI checkpoint loaded in the page gives the test -ELBO of vae eval', async () => {
    const cli = await cliCheckpoint;
    await page.setInputFiles('#load', [join(cli.dir, 'config.json'), join(cli.dir, 'model.safetensors')]);
    await page.waitForFunction(() => window.__lab?.model?.loadedFrom !== undefined, undefined, { timeout: 30_000 });
    expect(await hook(page, (x) => x.model!.config)).toMatchObject({ latent: 2, hidden: [32], seed: 3 });
    await page.fill('#eval-seed', '0');
    await page.click('#eval-full');
    await page.waitForFunction(() => window.__lab?.lastEval?.images === 10000, undefined, { timeout: 120_000 });
    const r = await hook(page, (x) => x.lastEval!);
    console.log(
      `lab: CLI checkpoint, test -ELBO page ${r.terms.loss.toFixed(4)} vs vae eval ${cli.elbo.toFixed(2)} (recon ` +
        `${r.terms.recon.toFixed(4)} vs ${cli.recon}, KL ${r.terms.kl.toFixed(4)} vs ${cli.kl})`,
    );
    // vae eval prints two decimals; the same seed gives the same noise on both backends (Philox)
    expect(Math.abs(r.terms.loss - cli.elbo)).toBeLessThan(0.0051 + 1e-5 * cli.elbo);
    expect(Math.abs(r.terms.recon - cli.recon)).toBeLessThan(0.0051 + 1e-5 * cli.recon);
    expect(Math.abs(r.terms.kl - cli.kl)).toBeLessThan(0.0051 + 1e-5 * cli.kl);
    // and it trains on from there
    await page.click('#train');
    await waitForStep(page, 5);
    await pause(page);
  }, 180_000);

  it('matmul tuning: timed once per browser and adapter, kept in IndexedDB, read back on reload', async () => {
    // hidden 64 at batch 32: three products big enough to tune (784·64·32 multiply-adds each)
    const ctx = await browser!.newContext({ viewport: { width: 1400, height: 1000 } });
    try {
      const p = await ctx.newPage();
      watch(p, log);
      const tuningText = async (re: RegExp): Promise<string> => {
        await p.waitForFunction(
          (src) => new RegExp(src).test(document.getElementById('tuning')!.textContent ?? ''),
          re.source,
          {
            timeout: 60_000,
            polling: 200,
          },
        );
        return (await p.textContent('#tuning'))!;
      };
      await p.goto(`${lab!.url}?model=vae&latent=2&hidden=64&batch=32&limit=256&seed=2`);
      await p.waitForFunction(() => window.__lab?.ready, undefined, { timeout: 60_000, polling: 100 });
      expect(await tuningText(/matmul tuning/)).toBe(
        'matmul tuning: 6 of 6 shapes timed on this adapter now (kept in IndexedDB)',
      );
      const kept = await p.evaluate(
        () =>
          new Promise<number>((resolve, reject) => {
            const req = indexedDB.open('vae-webgpu');
            req.onerror = () => reject(req.error);
            req.onsuccess = () => {
              const all = req.result.transaction('matmul-tuning').objectStore('matmul-tuning').getAll();
              all.onsuccess = () => resolve(all.result.reduce((n: number, t: object) => n + Object.keys(t).length, 0));
              all.onerror = () => reject(all.error);
            };
          }),
      );
      expect(kept).toBe(6);
      await p.reload();
      await p.waitForFunction(() => window.__lab?.ready, undefined, { timeout: 60_000, polling: 100 });
      expect(await tuningText(/from IndexedDB/)).toBe(
        'matmul tuning: 6 shapes from IndexedDB (tuned on this adapter before)',
      );
    } finally {
      await ctx.close();
    }
  }, 180_000);

  it('no console errors or page errors', async () => {
    const errors = await hook(page, (x) => x.errors);
    expect(errors).toEqual([]);
    expect(log).toEqual([]);
  });
});

describe.skipIf(!chromiumHere)('the VAE lab as a static folder, in a Chromium without WebGPU', () => {
  let server: Server | undefined;
  let browser: Browser | undefined;
  let dir: string | undefined;

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('npm run lab:build writes page, bundles and data; a plain static server serves it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vae-lab-static-'));
    const built = await run('npm', ['run', 'lab:build', '--', '--out', dir], 120_000);
    expect(built.code, built.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'data/manifest.json'), 'utf8')) as Record<string, string>;
    expect(Object.keys(manifest).sort()).toEqual(['testImages', 'testLabels', 'trainImages', 'trainLabels']);
    for (const f of [
      'index.html',
      'style.css',
      'lab.js',
      'lab-worker.js',
      ...Object.values(manifest).map((n) => `data/${n}`),
    ])
      expect(existsSync(join(dir, f)), f).toBe(true);
    // any static file server will do: this one knows nothing of the lab
    const root = dir;
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const file = join(root, path.endsWith('/') ? `${path}index.html` : path);
      if (!file.startsWith(root) || !existsSync(file)) return void res.writeHead(404).end();
      const type = file.endsWith('.html')
        ? 'text/html'
        : file.endsWith('.js')
          ? 'text/javascript'
          : 'application/octet-stream';
      res.writeHead(200, { 'content-type': type }).end(readFileSync(file));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  }, 120_000);

  it('without WebGPU: a banner, and a CVAE with a 3-d latent trains on the CPU backend, its panels drawn', async () => {
    expect(server).toBeDefined();
    const url = `http://127.0.0.1:${(server!.address() as AddressInfo).port}/`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS_NO_WEBGPU, timeout: 30_000 });
    const page = await browser.newPage();
    const log: string[] = [];
    watch(page, log);
    await page.goto(`${url}?model=cvae&latent=3&hidden=16&batch=16&limit=256`);
    await page.waitForFunction(() => window.__lab?.ready, undefined, { timeout: 60_000 });
    const banner = page.locator('.banner.warn');
    await expect.poll(() => banner.count()).toBeGreaterThan(0);
    expect(await banner.first().textContent()).toMatch(/No WebGPU.*CPU backend/);
    expect(await hook(page, (x) => x.backend?.name)).toBe('cpu');
    await page.click('#train');
    await waitForStep(page, 40, 60_000);
    await pause(page);
    const losses = await hook(page, (x) => x.points.map((p) => p.loss));
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.slice(-5).reduce((a, b) => a + b) / 5).toBeLessThan(losses.slice(0, 5).reduce((a, b) => a + b) / 5);
    await page.click('#restyle-test');
    await page.waitForFunction(() => /decoded with y = 0/.test(document.getElementById('cvae-message')!.textContent!));
    // a 3-d latent: the map is the PCA plane of the means, with one slider per dimension
    await page.waitForFunction(() => (window.__lab?.latentDrawn ?? 0) > 0, undefined, { timeout: 30_000 });
    expect(await page.locator('#sliders input[type=range]').count()).toBe(3);
    expect(await page.textContent('#latent-hint')).toMatch(/principal components/);
    for (const id of ['samples', 'cvae-row', 'restyle-source', 'restyle-row', 'scatter', 'manifold'])
      expect(await ink(page, id), `canvas #${id} is blank`).toBeGreaterThan(50);
    expect(await page.isVisible('#latent-label')).toBe(true);
    expect(await hook(page, (x) => x.errors)).toEqual([]);
    expect(log).toEqual([]);
  }, 120_000);
});
