// MNIST in the worker: the four IDX files fetched from the lab's own server (data/manifest.json
// names them; any of them may be gzipped) and decoded by the library's IDX decoder.
import { decodeIdxAsync, type IdxArray, type Split } from '../../../src/index.js';

/** The served names of the four files, relative to the data folder. */
export interface DataManifest {
  trainImages: string;
  trainLabels: string;
  testImages: string;
  testLabels: string;
}

/** One split as decoded: the raw bytes of the images (scaled on demand) and the labels. */
interface RawSplit {
  pixels: Uint8Array;
  labels: Int32Array;
  count: number;
  rows: number;
  cols: number;
}

export interface MnistData {
  train: RawSplit;
  test: RawSplit;
}

async function fetchIdx(url: string): Promise<IdxArray> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new Error(`${url}: cannot fetch (${(e as Error).message})`);
  }
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${res.statusText}`);
  return decodeIdxAsync(new Uint8Array(await res.arrayBuffer()), url);
}

async function fetchSplit(base: string, images: string, labels: string): Promise<RawSplit> {
  const [im, lb] = await Promise.all([fetchIdx(base + images), fetchIdx(base + labels)]);
  if (im.dims.length !== 3 || !(im.data instanceof Uint8Array))
    throw new Error(`${base + images}: expected unsigned-byte images (count × rows × cols), got dims [${im.dims}]`);
  if (lb.dims.length !== 1 || lb.dims[0] !== im.dims[0])
    throw new Error(`${base + labels}: expected ${im.dims[0]} labels, got dims [${lb.dims}]`);
  const [count, rows, cols] = im.dims as [number, number, number];
  return { pixels: im.data, labels: Int32Array.from(lb.data), count, rows, cols };
}

/** Fetches and decodes MNIST from `base` (a URL ending in '/', holding manifest.json). */
export async function loadMnist(base: string): Promise<MnistData> {
  const res = await fetch(`${base}manifest.json`);
  if (!res.ok) throw new Error(`${base}manifest.json: HTTP ${res.status} (is the page served by npm run lab?)`);
  const m = (await res.json()) as DataManifest;
  const [train, test] = await Promise.all([
    fetchSplit(base, m.trainImages, m.trainLabels),
    fetchSplit(base, m.testImages, m.testLabels),
  ]);
  return { train, test };
}

/** The first n examples of a raw split as the library's Split (intensities in [0, 1]). */
export function toSplit(raw: RawSplit, n = raw.count): Split {
  const count = Math.min(n, raw.count);
  const size = raw.rows * raw.cols;
  const images = new Float32Array(count * size);
  for (let i = 0; i < images.length; i++) images[i] = raw.pixels[i]! / 255;
  return { images, labels: raw.labels.slice(0, count), count, rows: raw.rows, cols: raw.cols };
}
