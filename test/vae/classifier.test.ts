// The sample classifier: the shipped file holds the accuracy it states; the sample-quality metric on
// real digits equals that accuracy; the training script reproduces a classifier of the accuracy it
// prints on a short run. CPU backend, small cuts of the real MNIST.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnist, type MnistSet } from '../../src/data/mnist.js';
import { createRng } from '../../src/data/rng.js';
import { subset } from '../../src/data/split.js';
import { judge } from '../../src/vae/classifier.js';
import { loadClassifier } from '../../src/vae/classifier-file.js';
import { classifierAccuracy, shiftImages } from '../../src/vae/classifier-training.js';
import { classShares, recognitionByClass } from '../../src/vae/sample-quality.js';

const root = resolve(import.meta.dirname, '../..');
let data: MnistSet;
beforeAll(async () => {
  data = await loadMnist();
});

describe('the shipped classifier', () => {
  it('scores on the MNIST test set what its file states (>= 98.5%)', async () => {
    const { classifier, info } = await loadClassifier();
    const measured = await classifierAccuracy(classifier, data.test);
    classifier.dispose();
    expect(info.testAccuracy?.overall).toBeGreaterThanOrEqual(0.985);
    expect(measured.overall).toBeCloseTo(info.testAccuracy!.overall, 3);
    measured.perClass.forEach((a, d) => expect(a).toBeCloseTo(info.testAccuracy!.perClass[d]!, 3));
    expect(info.training?.epochs).toBeGreaterThan(0);
  });

  it('the metric on real digits (requested = true label) equals its per-class accuracy', async () => {
    const { classifier } = await loadClassifier();
    const test = subset(data.test, 2000);
    const { predicted } = await judge(classifier, test.images);
    const byMetric = recognitionByClass(predicted, test.labels, 10);
    const accuracy = await classifierAccuracy(classifier, test);
    classifier.dispose();
    expect(byMetric).toEqual(accuracy.perClass);
    const shares = classShares(predicted, 10);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });

  it('names a missing or foreign file', async () => {
    await expect(loadClassifier('/nonexistent/c.safetensors')).rejects.toThrow(/no classifier file.*train-classifier/);
    const dir = mkdtempSync(join(tmpdir(), 'vae-classifier-'));
    const { saveSafetensors } = await import('../../src/nn/safetensors-file.js');
    const { zeros } = await import('../../src/tensor/creation.js');
    const w = zeros([2]);
    await saveSafetensors(join(dir, 'x.safetensors'), { w }, { format: 'something-else' });
    w.dispose();
    await expect(loadClassifier(join(dir, 'x.safetensors'))).rejects.toThrow(/not a classifier file/);
  });
});

describe('classifier training', () => {
  it('shifts images by whole pixels, filling with zeros', () => {
    const img = new Float32Array(9);
    img[4] = 1; // the centre of a 3×3 image
    const rng = createRng(3);
    for (let k = 0; k < 20; k++) {
      const copy = img.slice();
      shiftImages(copy, 3, 3, 1, rng);
      expect(copy.reduce((a, b) => a + b, 0)).toBe(1); // one pixel moved at most one step
    }
  });

  it('the script trains, states and saves a classifier of the accuracy it prints (short run)', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'vae-classifier-')), 'c.safetensors');
    const { stdout } = await promisify(execFile)(
      'node',
      [
        '--import',
        'tsx',
        'scripts/train-classifier.ts',
        '--epochs',
        '2',
        '--limit',
        '3000',
        '--backend',
        'cpu',
        '--out',
        out,
      ],
      { cwd: root, timeout: 120_000 },
    );
    const printed = Number(/test accuracy ([\d.]+)%/.exec(stdout)?.[1]);
    expect(printed).toBeGreaterThan(75); // 78.07% here: 2 epochs of 3,000 images
    const { classifier, info } = await loadClassifier(out);
    expect(info.training).toMatchObject({ epochs: 2 });
    expect(100 * info.testAccuracy!.overall).toBeCloseTo(printed, 1);
    const again = await classifierAccuracy(classifier, data.test);
    classifier.dispose();
    expect(again.overall).toBeCloseTo(info.testAccuracy!.overall, 4);
  }, 120_000);
});
