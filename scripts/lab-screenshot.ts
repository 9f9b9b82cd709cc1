// The README's picture of the VAE lab: starts `npm run lab`, opens the page in headless Chromium
// (WebGPU on SwiftShader), trains a VAE with a 2-d latent for a while, draws a digit, and saves a
// screenshot of the page to docs/images/lab.png.
//
//   npx tsx scripts/lab-screenshot.ts [--steps 700] [--query 'model=vae&latent=2&hidden=256&batch=100&limit=20000']
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/helpers/chromium.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : fallback;
};
const steps = Number(arg('steps', '700'));
const query = arg('query', 'model=vae&latent=2&hidden=256&batch=100&limit=20000&seed=0');
const out = join(root, 'docs/images/lab.png');

const server = spawn(process.execPath, ['--import', 'tsx', join(root, 'web/serve.ts'), '--port', '0'], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
});
process.on('exit', () => server.kill());
const url = await new Promise<string>((resolve, reject) => {
  let text = '';
  server.stdout!.on('data', (d: Buffer) => {
    text += d;
    const m = text.match(/serving on (http:\/\/127\.0\.0\.1:\d+\/)/);
    if (m) resolve(m[1]!);
  });
  server.on('exit', (code) => reject(new Error(`npm run lab exited with ${code}`)));
});
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const page = await browser.newPage({ viewport: { width: 1440, height: 1480 }, deviceScaleFactor: 1 });
page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
await page.goto(`${url}?${query}`);
await page.waitForFunction(() => window.__lab?.ready, undefined, { timeout: 120_000 });
await page.click('#train');
const t0 = Date.now();
while ((await page.evaluate(() => window.__lab!.step)) < steps) {
  await page.waitForTimeout(5000);
  console.log(
    `step ${await page.evaluate(() => window.__lab!.step)} / ${steps} (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
  );
}
await page.click('#pause');
await page.waitForFunction(() => window.__lab?.state === 'idle');
await page.click('#eval-full');
await page.waitForFunction(() => window.__lab?.lastEval, undefined, { timeout: 300_000 });
// a "3", drawn as a learner would
const canvas = page.locator('#draw-canvas');
await canvas.scrollIntoViewIfNeeded();
const box = (await canvas.boundingBox())!;
const at = (x: number, y: number) => page.mouse.move(box.x + x * box.width, box.y + y * box.height);
await at(0.3, 0.25);
await page.mouse.down();
for (const [x, y] of [
  [0.45, 0.18],
  [0.62, 0.25],
  [0.6, 0.4],
  [0.45, 0.48],
  [0.62, 0.56],
  [0.64, 0.7],
  [0.5, 0.8],
  [0.3, 0.76],
] as const) {
  for (let i = 1; i <= 4; i++) await at(x, y);
}
await page.mouse.up();
await page.waitForFunction(() => window.__lab?.lastDraw, undefined, { timeout: 60_000 });
await page.evaluate(() => window.scrollTo(0, 0));
await page.waitForTimeout(1500);
await page.screenshot({ path: out });
console.log(`wrote ${out}`);
await browser.close();
server.kill();
