// The pictures a training run leaves in --out: prior samples, reconstructions, interpolations,
// the latent space coloured by class, the training curves, for a latent-2 VAE the decoded
// manifold, and for a CVAE one row of samples per digit.
import { join } from 'node:path';
import { renderLineChart, createChart } from '../data/chart.js';
import { stack, titled, withRowLabels, blit } from '../data/compose.js';
import { normalQuantile } from '../data/normal-quantile.js';
import { pca2 } from '../data/pca.js';
import { renderImageGrid, writeImageGrid } from '../data/image-grid.js';
import { writePng } from '../data/raster.js';
import { writeScatterPng } from '../data/scatter.js';
import type { EpochMetrics } from '../vae/train.js';
import type { Split } from '../data/split.js';
import { noGrad } from '../autograd/grad-mode.js';
import { tensor } from '../tensor/creation.js';
import { concat } from '../tensor/ops/views.js';
import { at } from '../tensor/shape.js';
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
      Int32Array.from(indices, (i) => at(split.labels, i, 'example')),
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
    const n = Math.min(at(latentMeans.shape, 0, 'axis'), 5000);
    const latent = model.config.latent;
    const means = Float32Array.from(await latentMeans.data()).subarray(0, n * latent);
    const points =
      latent === 2
        ? means
        : latent === 1
          ? Float32Array.from({ length: 2 * n }, (_, i) => (i % 2 ? 0 : at(means, i / 2)))
          : pca2(means, n, latent);
    const what = cond ? 'q(z|x,y)' : 'q(z|x)';
    await writeScatterPng(join(dir, 'latent.png'), points, test.labels.subarray(0, n), {
      size: 512,
      title: `Latent space: means of ${what} for ${n} test digits`,
      ...(latent > 2
        ? {
            xLabel: `principal component 1 of the ${latent}-d means`,
            yLabel: `principal component 2 of the ${latent}-d means`,
          }
        : latent === 1
          ? { xLabel: 'z (1-d latent)', yLabel: '(none)' }
          : { xLabel: 'z1', yLabel: 'z2' }),
    });
    written.push('latent.png');
  }

  if (latent2(model) && !cond) {
    await writePng(join(dir, 'manifold.png'), await renderManifold(model, rows, cols));
    written.push('manifold.png');
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
    const g = grid(perClass);
    const picture = titled(
      withRowLabels(
        renderImageGrid(gridImages, { count: classes * perClass, ...g }),
        Array.from({ length: classes }, (_, d) => String(d)),
        rows * g.scale + g.padding,
        g.padding,
      ),
      'CVAE samples, one row per digit',
      `row d: ${perClass} draws of z ~ ` +
        `${model.config.prior === 'learned' ? 'p(z|y=d)' : 'N(0, I)'}, decoded with y = d`,
    );
    await writePng(join(dir, 'cvae-grid.png'), picture);
    written.push('cvae-grid.png');
  }
  return written;
}

function latent2(model: VAE): boolean {
  return model.config.latent === 2;
}

/**
 * The decoded latent space of a 2-d VAE (Kingma & Welling 2014, Fig. 4): a steps × steps grid
 * (odd, so z = 0 is the middle) of z evenly spaced in probability, z = Φ⁻¹(u) for u from 0.05
 * to 0.95, each cell the decoder's mean.
 */
export async function renderManifold(model: VAE, rows: number, cols: number, steps = 21) {
  const u = Array.from({ length: steps }, (_, i) => 0.05 + (0.9 * i) / (steps - 1));
  const z = u.map(normalQuantile);
  const grid = new Float32Array(steps * steps * 2);
  for (let r = 0; r < steps; r++)
    for (let c = 0; c < steps; c++) {
      grid[2 * (r * steps + c)] = z[c]!;
      grid[2 * (r * steps + c) + 1] = z[steps - 1 - r]!; // z2 grows upwards
    }
  const images = await floats(noGrad(() => tidy(() => model.decode(tensor(grid, [steps * steps, 2])))));
  const picture = renderImageGrid(images, { count: steps * steps, rows, cols, gridCols: steps, scale: 1, padding: 0 });
  const marks = [
    0,
    Math.round((steps - 1) / 4),
    Math.round((steps - 1) / 2),
    Math.round((3 * (steps - 1)) / 4),
    steps - 1,
  ];
  // The chart's unit square is the picture; cell i's centre sits at (i + ½) / steps.
  const label = (v: number) => (Math.abs(v) < 0.005 ? '0' : v.toFixed(2).replace('-', '−'));
  const ticks = marks.map((i): [number, string] => [(i + 0.5) / steps, label(z[i]!)]);
  const chart = createChart({
    plotSize: [picture.width, picture.height],
    title: 'Decoded latent space of a 2-d VAE',
    xLabel: 'z1 (a grid even in probability: z = Φ⁻¹(u), u = 0.05 … 0.95)',
    yLabel: 'z2',
    x: [0, 1],
    y: [0, 1],
    pad: false,
    grid: false,
    customTicks: { x: ticks, y: ticks },
  });
  blit(chart.raster, picture, chart.left + 1, chart.top + 1);
  return chart.raster;
}

const BLUE = [31, 119, 180] as const;
const ORANGE = [255, 127, 14] as const;

/** curves.png: train and test −ELBO and reconstruction (left), KL (right), per epoch. */
export async function writeTrainingCurves(
  dir: string,
  metrics: readonly EpochMetrics[],
  about: string,
): Promise<string> {
  const per = (pick: (m: EpochMetrics) => number): [number, number][] => metrics.map((m) => [m.epoch, pick(m)]);
  const left = renderLineChart({
    width: 560,
    height: 380,
    title: '−ELBO and reconstruction',
    xLabel: 'epoch',
    yLabel: 'nats per image',
    integerX: true,
    series: [
      { label: 'train −ELBO', color: BLUE, points: per((m) => m.train.loss) },
      { label: 'test −ELBO', color: BLUE, points: per((m) => m.test.loss), dash: 5 },
      { label: 'train recon', color: ORANGE, points: per((m) => m.train.recon) },
      { label: 'test recon', color: ORANGE, points: per((m) => m.test.recon), dash: 5 },
    ],
  });
  const right = renderLineChart({
    width: 420,
    height: 380,
    title: 'KL(q(z|x) || p(z))',
    xLabel: 'epoch',
    yLabel: 'nats per image',
    integerX: true,
    series: [
      { label: 'train KL', color: [44, 160, 44], points: per((m) => m.train.kl) },
      { label: 'test KL', color: [44, 160, 44], points: per((m) => m.test.kl), dash: 5 },
    ],
  });
  const last = metrics[metrics.length - 1];
  const subtitle = last
    ? `epoch ${last.epoch}: test −ELBO ${last.test.loss.toFixed(2)} = recon ${last.test.recon.toFixed(2)} + KL ` +
      `${last.test.kl.toFixed(2)}; train terms are means over the epoch's batches (dashed: test set)`
    : '';
  await writePng(
    join(dir, 'curves.png'),
    titled(stack([left, right], 'horizontal', 12), `Training curves: ${about}`, subtitle),
  );
  return 'curves.png';
}
