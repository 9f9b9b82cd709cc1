// The pictures a training run leaves in --out: prior samples, reconstructions, interpolations,
// the latent space coloured by class, and for a CVAE one row of samples per digit.
import { join } from 'node:path';
import { pca2 } from '../data/pca.js';
import { writeImageGrid } from '../data/image-grid.js';
import { writeScatterPng } from '../data/scatter.js';
import type { Split } from '../data/split.js';
import { noGrad } from '../autograd/grad-mode.js';
import { tensor } from '../tensor/creation.js';
import { concat } from '../tensor/ops/views.js';
import type { Tensor } from '../tensor/tensor.js';
import { tidy } from '../tensor/tidy.js';
import type { VAE } from '../vae/vae.js';

const SCALE = 2;

async function floats(t: Tensor): Promise<Float32Array> {
  const d = Float32Array.from(await t.data());
  t.dispose();
  return d;
}

function rowsOf(split: Split, images: Float32Array, indices: number[]): { x: Tensor; y: Tensor } {
  const d = split.rows * split.cols;
  const buf = new Float32Array(indices.length * d);
  indices.forEach((i, k) => buf.set(images.subarray(i * d, (i + 1) * d), k * d));
  return {
    x: tensor(buf, [indices.length, d]),
    y: tensor(
      Int32Array.from(indices, (i) => split.labels[i]!),
      [indices.length],
      { dtype: 'int32' },
    ),
  };
}

/** Labels 0..9 repeated: the class of each of n conditional draws. */
export function cyclingLabels(n: number, classes: number): Tensor {
  return tensor(
    Int32Array.from({ length: n }, (_, i) => i % classes),
    [n],
    { dtype: 'int32' },
  );
}

export async function writePictures(
  dir: string,
  model: VAE,
  test: Split,
  testImages: Float32Array,
  latentMeans?: Tensor,
): Promise<string[]> {
  const { rows, cols } = test;
  const grid = (gridCols: number) => ({ rows, cols, gridCols, scale: SCALE, padding: 1 });
  const written: string[] = [];
  const cond = model.conditional;
  const classes = model.config.classes ?? 10;

  const samples = await floats(
    noGrad(() => tidy(() => (cond ? model.sample(64, cyclingLabels(64, classes)) : model.sample(64)))),
  );
  await writeImageGrid(join(dir, 'samples.png'), samples, { count: 64, ...grid(8) });
  written.push('samples.png');

  const picks = Array.from({ length: 16 }, (_, i) => i);
  const recon = await floats(
    noGrad(() =>
      tidy(() => {
        const { x, y } = rowsOf(test, testImages, picks);
        return concat([x, model.reconstruct(x, cond ? y : undefined)], 0);
      }),
    ),
  );
  await writeImageGrid(join(dir, 'reconstructions.png'), recon, { count: 32, ...grid(16) });
  written.push('reconstructions.png');

  const steps = 10;
  const pairs: [number, number][] = [
    [0, 1],
    [2, 3],
    [4, 5],
    [6, 7],
    [8, 9],
    [10, 11],
  ];
  const interp = await floats(
    noGrad(() =>
      tidy(() =>
        concat(
          pairs.map(([a, b]) => {
            const { x, y } = rowsOf(test, testImages, [a, b]);
            // a CVAE interpolates within a's class
            return model.interpolate(x.slice(0, 0, 1), x.slice(0, 1, 2), steps, cond ? y.slice(0, 0, 1) : undefined);
          }),
          0,
        ),
      ),
    ),
  );
  await writeImageGrid(join(dir, 'interpolation.png'), interp, { count: pairs.length * steps, ...grid(steps) });
  written.push('interpolation.png');

  if (latentMeans) {
    const n = Math.min(latentMeans.shape[0]!, 5000);
    const latent = model.config.latent;
    const means = Float32Array.from(await latentMeans.data()).subarray(0, n * latent);
    const points =
      latent === 2
        ? means
        : latent === 1
          ? Float32Array.from({ length: 2 * n }, (_, i) => (i % 2 ? 0 : means[i / 2]!))
          : pca2(means, n, latent);
    await writeScatterPng(join(dir, 'latent.png'), points, test.labels.subarray(0, n), { size: 512 });
    written.push('latent.png');
  }

  if (cond) {
    const perClass = 10;
    const labels = tensor(
      Int32Array.from({ length: classes * perClass }, (_, i) => Math.floor(i / perClass)),
      [classes * perClass],
      { dtype: 'int32' },
    );
    const gridImages = await floats(noGrad(() => tidy(() => model.sample(classes * perClass, labels))));
    labels.dispose();
    await writeImageGrid(join(dir, 'cvae-grid.png'), gridImages, { count: classes * perClass, ...grid(perClass) });
    written.push('cvae-grid.png');
  }
  return written;
}
