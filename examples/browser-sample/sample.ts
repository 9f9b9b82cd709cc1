// A page that loads a checkpoint (config.json + model.safetensors, the files `vae train` writes)
// and draws samples from it, with the public API only: useBackend, decodeCheckpoint, manualSeed,
// model.sample. Bundled by ./build.ts with esbuild; see examples/README.md.
import { type CheckpointFiles, decodeCheckpoint, manualSeed, tensor, useBackend, type VAE } from 'vae-webgpu';

/** What the page leaves in `window.__sample` for its test (examples/browser-sample.test.ts). */
export interface SampleResult {
  backend: string;
  kind: 'vae' | 'cvae';
  seed: number;
  /** The decoded images, [n, 784] flattened: n = 16 for a VAE, 10 rows of 10 digits for a CVAE. */
  shape: number[];
  pixels: number[];
  error?: string;
}

declare global {
  interface Window {
    __sample?: SampleResult;
  }
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = (text: string) => {
  $('status').textContent = text;
};

/** The two files of a checkpoint folder at `url` (relative to the page or absolute). */
async function fetchCheckpoint(url: string): Promise<CheckpointFiles> {
  const get = async (name: string) => {
    const response = await fetch(`${url.replace(/\/$/, '')}/${name}`);
    if (!response.ok) throw new Error(`${url}/${name}: HTTP ${response.status}`);
    return response;
  };
  const [config, model] = await Promise.all([
    get('config.json').then((r) => r.text()),
    get('model.safetensors').then((r) => r.arrayBuffer()),
  ]);
  return { config, model: new Uint8Array(model) };
}

/** The two files picked in the file input. */
async function readPicked(files: FileList): Promise<CheckpointFiles> {
  const byName = new Map(Array.from(files, (f) => [f.name, f] as const));
  const config = byName.get('config.json');
  const model = byName.get('model.safetensors');
  if (!config || !model) throw new Error('pick both config.json and model.safetensors');
  return { config: await config.text(), model: new Uint8Array(await model.arrayBuffer()) };
}

/** Draws `n` images of 28×28 grey levels in [0, 1] as a grid, `cols` to a row, 3 pixels per pixel. */
function draw(pixels: Float32Array, n: number, cols: number): void {
  const side = 28;
  const rows = Math.ceil(n / cols);
  const grid = new ImageData(cols * side, rows * side);
  for (let k = 0; k < n; k++) {
    const [r0, c0] = [Math.floor(k / cols) * side, (k % cols) * side];
    for (let i = 0; i < side * side; i++) {
      const v = Math.round(255 * (pixels[k * side * side + i] ?? 0));
      const at = 4 * ((r0 + Math.floor(i / side)) * cols * side + c0 + (i % side));
      grid.data.set([v, v, v, 255], at);
    }
  }
  const canvas = $<HTMLCanvasElement>('samples');
  const scale = 3;
  [canvas.width, canvas.height] = [cols * side * scale, rows * side * scale];
  const small = new OffscreenCanvas(cols * side, rows * side);
  small.getContext('2d')?.putImageData(grid, 0, 0);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2-d canvas context');
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
}

/** Samples from the model: 16 draws from the prior, or for a CVAE ten of each digit (one row per digit). */
async function sample(model: VAE, seed: number): Promise<{ pixels: Float32Array; n: number; cols: number }> {
  manualSeed(seed);
  const classes = model.config.classes ?? 0;
  const n = classes ? classes * 10 : 16;
  const labels = classes ? tensor(Int32Array.from({ length: n }, (_, i) => Math.floor(i / 10))) : undefined;
  const images = model.sample(n, labels);
  const pixels = (await images.data()) as Float32Array;
  images.dispose();
  labels?.dispose();
  return { pixels, n, cols: classes ? 10 : 8 };
}

let model: VAE | null = null;
let backendName = '';

async function show(seed: number): Promise<void> {
  if (!model) return;
  const started = performance.now();
  const { pixels, n, cols } = await sample(model, seed);
  draw(pixels, n, cols);
  const kind = model.conditional ? 'cvae' : 'vae';
  status(
    `${kind.toUpperCase()} ${model.config.latent}-d latent on ${backendName}: ${n} samples, seed ${seed}, ` +
      `${(performance.now() - started).toFixed(0)} ms`,
  );
  window.__sample = { backend: backendName, kind, seed, shape: [n, model.config.inputDim], pixels: Array.from(pixels) };
}

async function load(files: Promise<CheckpointFiles>, source: string): Promise<void> {
  try {
    status(`loading ${source} …`);
    const decoded = decodeCheckpoint(await files, { source });
    model?.dispose();
    model = decoded.model;
    $<HTMLButtonElement>('again').disabled = false;
    await show(Number($<HTMLInputElement>('seed').value) || 0);
  } catch (e) {
    status(`error: ${(e as Error).message}`);
    window.__sample = {
      backend: backendName,
      kind: 'vae',
      seed: 0,
      shape: [],
      pixels: [],
      error: (e as Error).message,
    };
  }
}

async function main(): Promise<void> {
  const info = await useBackend('auto');
  backendName = info.name;
  status(`backend: ${info.name} (${info.reason}); no checkpoint yet`);
  $<HTMLInputElement>('files').addEventListener('change', (event) => {
    const files = (event.target as HTMLInputElement).files;
    if (files) void load(readPicked(files), 'the picked files');
  });
  $('again').addEventListener('click', () => {
    const seed = $<HTMLInputElement>('seed');
    seed.value = String((Number(seed.value) || 0) + 1);
    void show(Number(seed.value));
  });
  const url = new URLSearchParams(location.search).get('checkpoint');
  if (url) {
    const seed = new URLSearchParams(location.search).get('seed');
    if (seed) $<HTMLInputElement>('seed').value = seed;
    await load(fetchCheckpoint(url), url);
  }
}

main().catch((e: Error) => {
  status(`error: ${e.message}`);
  window.__sample = { backend: backendName, kind: 'vae', seed: 0, shape: [], pixels: [], error: e.message };
});
