// `vae sweep`: the trade-off of regularization, measured. One model per value of --beta (the KL
// weight) or --latent (the latent size), same seed, data and epochs; for each, the test -ELBO's
// two terms (distortion = reconstruction, rate = KL), the active units, the classifier's verdict
// on its samples and a sample grid; then a rate-distortion plot and one summary picture.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../data/atomic-write.js';
import { loadMnist } from '../data/mnist.js';
import { pca2 } from '../data/pca.js';
import { renderImageGrid } from '../data/image-grid.js';
import { writePng } from '../data/raster.js';
import { subset, type Split } from '../data/split.js';
import { Adam } from '../nn/optim.js';
import { manualSeed } from '../tensor/random.js';
import { saveCheckpoint } from '../vae/checkpoint.js';
import { defaultClassifierPath, loadClassifier } from '../vae/classifier-file.js';
import { defaultLearningRate, defaultModelConfig, defaultTrainConfig } from '../vae/defaults.js';
import { activeUnits } from '../vae/evaluate.js';
import { drawSamples, sampleQuality } from '../vae/sample-quality.js';
import { evaluateElbo, prepareImages, train, type TrainConfig } from '../vae/train.js';
import { VAE, type VAEConfig } from '../vae/vae.js';
import { checkInFolder, checkOutFolder, decimal, Flags, makeFolder, parseFlags, UsageError } from './args.js';
import { lockOutFolder, OutFolderBusyError } from './out-lock.js';
import { selectBackend } from './backend-choice.js';
import { renderSweepSummary, renderRateDistortion, sweepTable, type SweepPoint } from './sweep-pictures.js';

export const SWEEP_HELP = `vae sweep — one model per value of beta or of the latent size:
the quality-vs-regularization trade-off

  --beta 0.25,0.5,1,2,4       KL weights to compare (or:)
  --latent 2,5,10,20          latent sizes to compare
  --model vae|cvae            (vae)
  --epochs N                  per model (the model's default, 10)
  --n N                       samples per digit the classifier judges per model (500)
  --hidden, --batch, --lr, --warmup, --prior, --binarize, --seed, --limit, --data, --backend
                              as for vae train (defaults from src/vae/defaults.ts)
  --out DIR                   (sweep)
writes DIR/<value>/ (checkpoint, samples.png), DIR/rate-distortion.png, DIR/summary.png,
DIR/summary.md and DIR/sweep.json`;

const SPEC = {
  beta: { type: 'string' },
  latent: { type: 'string' },
  model: { type: 'string' },
  epochs: { type: 'string' },
  n: { type: 'string' },
  hidden: { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  warmup: { type: 'string' },
  prior: { type: 'string' },
  binarize: { type: 'string' },
  seed: { type: 'string' },
  limit: { type: 'string' },
  data: { type: 'string' },
  backend: { type: 'string' },
  classifier: { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function numberList(f: Flags, name: 'beta' | 'latent', raw: string): number[] {
  const values = raw.split(',').map((s) => decimal(s.trim()));
  const ok = values.every((v) => Number.isFinite(v) && (name === 'beta' ? v >= 0 : Number.isInteger(v) && v > 0));
  if (!values.length || !ok || raw.trim() === '')
    throw new UsageError(
      `vae sweep: --${name} must be comma-separated ` +
        `${name === 'beta' ? 'numbers >= 0' : 'positive integers'}, got '${raw}'`,
    );
  if (new Set(values).size !== values.length) throw new UsageError(`vae sweep: --${name} repeats a value in '${raw}'`);
  void f;
  return values;
}

export async function sweepCommand(argv: string[], log: (line: string) => void): Promise<number> {
  const f = new Flags('sweep', parseFlags('sweep', argv, SPEC));
  if (f.bool('help')) {
    log(SWEEP_HELP);
    return 0;
  }
  if (f.has('beta') === f.has('latent'))
    throw new UsageError('vae sweep: give exactly one of --beta 0.25,0.5,1,2,4 or --latent 2,5,10,20');
  const swept: 'beta' | 'latent' = f.has('beta') ? 'beta' : 'latent';
  const values = numberList(f, swept, f.string(swept));
  const kind = f.choice('model', ['vae', 'cvae'] as const, 'vae');
  const out = f.string('out', 'sweep');
  const n = f.int('n', 500, { min: 2, max: 100_000 });
  const d = defaultTrainConfig(kind);
  const lr = f.number('lr', defaultLearningRate(kind), { min: 0, exclusiveMin: true });
  const base: TrainConfig = {
    ...d,
    epochs: f.int('epochs', d.epochs, { min: 1 }),
    batchSize: f.int('batch', d.batchSize, { min: 1 }),
    warmupEpochs: f.number('warmup', d.warmupEpochs, { min: 0 }),
    binarize: f.choice('binarize', ['none', 'static', 'dynamic'] as const, d.binarize),
    seed: f.int('seed', d.seed, { min: 0 }),
  };
  const limit = f.has('limit') ? f.int('limit', 0, { min: 1 }) : undefined;
  // every flag checked before any work (also the ones read further down)
  const fixedBeta = swept === 'beta' ? d.beta : f.number('beta', d.beta, { min: 0 });
  f.intList('hidden', []);
  f.choice('prior', ['standard', 'learned'] as const, 'standard');
  f.choice('backend', ['auto', 'webgpu', 'cpu'] as const, 'auto');
  if (f.has('data')) await checkInFolder(f.string('data'), '--data');
  await checkOutFolder(out, '--out');
  await makeFolder(out, '--out');
  // one sweep (or train) per folder; released at the end, or by the process's exit on an error
  let lock: { release: () => void };
  try {
    lock = lockOutFolder(out);
  } catch (e) {
    if (e instanceof OutFolderBusyError) throw new UsageError(`vae sweep: ${e.message}`);
    throw e;
  }
  const data = await loadMnist(f.has('data') ? { dir: f.string('data') } : {});
  const trainSplit: Split = limit ? subset(data.train, limit) : data.train;
  const inputDim = trainSplit.rows * trainSplit.cols;
  const m = defaultModelConfig(kind, inputDim);
  const prior = f.choice('prior', ['standard', 'learned'] as const, m.prior ?? 'standard');
  if (kind === 'vae' && prior === 'learned') throw new UsageError('vae sweep: --prior learned needs --model cvae');
  const modelBase: VAEConfig = {
    ...m,
    hidden: f.intList('hidden', m.hidden),
    ...(kind === 'cvae' ? { prior } : {}),
  };
  await selectBackend(f.choice('backend', ['auto', 'webgpu', 'cpu'] as const, 'auto'), log);
  const { classifier } = await loadClassifier(f.has('classifier') ? f.string('classifier') : defaultClassifierPath());
  const testImages = prepareImages(data.test.images, base.binarize, base.seed);
  const points: SweepPoint[] = [];
  log(
    `sweep of ${swept} over ${values.join(', ')}: ${kind.toUpperCase()} ` +
      `${inputDim}-${modelBase.hidden.join('-')}-${swept === 'latent' ? 'L' : modelBase.latent}, ` +
      `${base.epochs} epochs each on ${trainSplit.count} images, seed ${base.seed}`,
  );
  for (const value of values) {
    const config: TrainConfig = { ...base, beta: swept === 'beta' ? value : fixedBeta };
    const modelConfig: VAEConfig = { ...modelBase, latent: swept === 'latent' ? value : modelBase.latent };
    manualSeed(config.seed);
    const model = new VAE(modelConfig);
    const optimizer = new Adam(model.parameters(), { lr });
    const started = performance.now();
    const { progress } = await train({ model, optimizer, train: trainSplit, test: data.test, config });
    const { terms, means } = await evaluateElbo(model, data.test, testImages);
    const active = await activeUnits(means);
    const latentPoints = await latent2d(means, modelConfig.latent, Math.min(2000, data.test.count));
    means.dispose();
    manualSeed(config.seed + 1);
    const quality = await sampleQuality(model, classifier, data, n);
    const grid = await drawSamples(
      model,
      64,
      model.conditional ? Int32Array.from({ length: 64 }, (_, i) => i % 10) : undefined,
    );
    const name = `${swept}-${value}`;
    const dir = join(out, name);
    await mkdir(dir, { recursive: true });
    await saveCheckpoint(dir, model, { train: config });
    const gridPicture = renderImageGrid(grid, {
      count: 64,
      rows: data.test.rows,
      cols: data.test.cols,
      gridCols: 8,
      scale: 1,
      padding: 1,
    });
    await writePng(join(dir, 'samples.png'), gridPicture);
    const point: SweepPoint = {
      swept,
      value,
      epochs: progress.epoch,
      testElbo: terms.loss,
      recon: terms.recon,
      kl: terms.kl,
      activeUnits: active.count,
      latent: modelConfig.latent,
      quality,
      samples: gridPicture,
      latentPoints,
      latentLabels: data.test.labels.subarray(0, latentPoints.length / 2),
    };
    points.push(point);
    model.dispose();
    optimizer.dispose();
    log(
      `${swept} ${value}: test -ELBO ${terms.loss.toFixed(2)} (recon ` +
        `${terms.recon.toFixed(2)}, KL ${terms.kl.toFixed(2)}), ` +
        `active units ${active.count}/${modelConfig.latent}, Fréchet ${quality.frechet.toFixed(2)}` +
        (quality.recognised
          ? `, recognised ${(100 * mean(quality.recognised)).toFixed(1)}% ` +
            `(worst ${(100 * Math.min(...quality.recognised)).toFixed(1)}%)`
          : `, confidence ${quality.confidence.toFixed(3)}`) +
        `  ${((performance.now() - started) / 1000).toFixed(1)}s`,
    );
  }
  classifier.dispose();
  await writePng(join(out, 'rate-distortion.png'), renderRateDistortion(points));
  await writePng(join(out, 'summary.png'), renderSweepSummary(points));
  const table = sweepTable(points);
  await writeFileAtomic(join(out, 'summary.md'), Buffer.from(`${table.join('\n')}\n`));
  const json = points.map(({ samples: _s, latentPoints: _p, latentLabels: _l, ...rest }) => rest);
  await writeFileAtomic(join(out, 'sweep.json'), Buffer.from(`${JSON.stringify(json, null, 2)}\n`));
  lock.release();
  for (const line of table) log(line);
  log(
    `wrote ${['rate-distortion.png', 'summary.png', 'summary.md', 'sweep.json'].map((p) => join(out, p)).join(', ')}`,
  );
  return 0;
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** The first count posterior means in 2-d: as they are for a 2-d latent, else their top two principal components. */
async function latent2d(
  means: import('../tensor/tensor.js').Tensor,
  latent: number,
  count: number,
): Promise<Float32Array> {
  const all = Float32Array.from(await means.data()).subarray(0, count * latent);
  if (latent === 2) return all.slice();
  if (latent === 1) return Float32Array.from({ length: 2 * count }, (_, i) => (i % 2 ? 0 : all[i / 2]!));
  return pca2(all, count, latent);
}
