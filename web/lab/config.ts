// The lab's run configuration: the model (VAE or CVAE, latent and hidden sizes, likelihood,
// prior) and the training settings (batch, learning rate, beta, KL warm-up, binarization, seed,
// how many training images). It lives in the page's URL, so a link reproduces a run; every
// value is checked here, and a bad one gives a message naming the field, the value and the range.
import {
  defaultLearningRate,
  defaultModelConfig,
  defaultTrainConfig,
  type Binarize,
  type Likelihood,
  type TrainConfig,
  type VAEConfig,
} from '../../src/index.js';

export type ModelKind = 'vae' | 'cvae';
export type PriorKind = 'standard' | 'learned';
export type BackendWish = 'auto' | 'cpu';

export interface LabConfig {
  model: ModelKind;
  /** Latent dimensions, 2 to 64. */
  latent: number;
  /** Encoder hidden layer sizes; the decoder mirrors them. */
  hidden: number[];
  batch: number;
  lr: number;
  /** Weight of the KL term (1 = the ELBO); changes take effect live. */
  beta: number;
  /** Epochs over which the KL weight rises linearly from 0 to beta (0 = none). */
  warmup: number;
  likelihood: Likelihood;
  /** CVAE only: P(z) = N(0, I) or a learned P(z|y). */
  prior: PriorKind;
  binarize: Binarize;
  seed: number;
  /** Train on the first N training images (all 60000 by default). */
  limit: number;
  /** 'cpu' trains on the CPU backend even where WebGPU exists. */
  backend: BackendWish;
}

export const LATENT_RANGE = { min: 2, max: 64 } as const;
const TRAIN_IMAGES = 60000;

/** The defaults of `vae train` (src/vae/defaults.ts), and the whole training set. */
export function defaultConfig(model: ModelKind = 'vae'): LabConfig {
  const m = defaultModelConfig(model);
  const t = defaultTrainConfig(model);
  return {
    model,
    latent: m.latent,
    hidden: [...m.hidden],
    batch: t.batchSize,
    lr: defaultLearningRate(model),
    beta: t.beta,
    warmup: t.warmupEpochs,
    likelihood: m.likelihood,
    prior: m.prior ?? 'standard',
    binarize: t.binarize,
    seed: t.seed,
    limit: TRAIN_IMAGES,
    backend: 'auto',
  };
}

/** The problems with a config, one message per bad field; empty when it is valid. */
export function configProblems(c: LabConfig): string[] {
  const bad: string[] = [];
  const intIn = (name: string, v: number, lo: number, hi: number) => {
    if (!Number.isInteger(v) || v < lo || v > hi) bad.push(`${name} must be an integer from ${lo} to ${hi}, got ${v}`);
  };
  const numIn = (name: string, v: number, lo: number, hi: number, loOpen = false) => {
    if (!Number.isFinite(v) || (loOpen ? v <= lo : v < lo) || v > hi)
      bad.push(`${name} must be a number ${loOpen ? '>' : '>='} ${lo} and <= ${hi}, got ${v}`);
  };
  if (c.model !== 'vae' && c.model !== 'cvae') bad.push(`model must be vae or cvae, got ${String(c.model)}`);
  intIn('latent size', c.latent, LATENT_RANGE.min, LATENT_RANGE.max);
  if (c.hidden.length < 1 || c.hidden.length > 3) bad.push(`hidden needs 1 to 3 layer sizes, got ${c.hidden.length}`);
  c.hidden.forEach((h, i) => intIn(c.hidden.length > 1 ? `hidden layer ${i + 1}` : 'hidden size', h, 8, 2048));
  intIn('batch size', c.batch, 1, 1024);
  numIn('learning rate', c.lr, 0, 1, true);
  numIn('beta', c.beta, 0, 10);
  numIn('KL warm-up (epochs)', c.warmup, 0, 100);
  if (c.likelihood !== 'bernoulli' && c.likelihood !== 'gaussian')
    bad.push(`likelihood must be bernoulli or gaussian, got ${String(c.likelihood)}`);
  if (c.prior !== 'standard' && c.prior !== 'learned')
    bad.push(`prior must be standard or learned, got ${String(c.prior)}`);
  if (c.prior === 'learned' && c.model !== 'cvae')
    bad.push('a learned prior P(z|y) needs the CVAE (it is conditioned on y)');
  if (!['none', 'static', 'dynamic'].includes(c.binarize))
    bad.push(`binarize must be none, static or dynamic, got ${String(c.binarize)}`);
  intIn('seed', c.seed, 0, 2 ** 31 - 1);
  intIn('training images', c.limit, 1, TRAIN_IMAGES);
  if (c.backend !== 'auto' && c.backend !== 'cpu') bad.push(`backend must be auto or cpu, got ${String(c.backend)}`);
  return bad;
}

/** The URL's query for a config: every field, so the link says exactly what it runs. */
export function configToQuery(c: LabConfig): string {
  const q = new URLSearchParams({
    model: c.model,
    latent: String(c.latent),
    hidden: c.hidden.join(','),
    batch: String(c.batch),
    lr: String(c.lr),
    beta: String(c.beta),
    warmup: String(c.warmup),
    likelihood: c.likelihood,
    prior: c.prior,
    binarize: c.binarize,
    seed: String(c.seed),
    limit: String(c.limit),
  });
  if (c.backend !== 'auto') q.set('backend', c.backend);
  return q.toString();
}

/** A number from text: the empty string and junk become NaN (then named by configProblems). */
function num(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

/**
 * A config from a URL query: missing fields take the defaults of the chosen model; fields that
 * are present but bad are reported (and the defaults used), so a broken link still opens.
 */
export function configFromQuery(query: string): { config: LabConfig; problems: string[] } {
  const q = new URLSearchParams(query);
  const model = (q.get('model') ?? 'vae') as ModelKind;
  const config = defaultConfig(model === 'cvae' ? 'cvae' : 'vae');
  const problems: string[] = [];
  if (q.has('model') && model !== 'vae' && model !== 'cvae') problems.push(`model must be vae or cvae, got ${model}`);
  const read = <K extends keyof LabConfig>(key: K, parse: (s: string) => LabConfig[K]) => {
    const text = q.get(key);
    if (text === null) return;
    const value = parse(text);
    const trial = { ...config, [key]: value };
    // judge the field alone (other fields are still defaults or already checked)
    const before = new Set(configProblems(config));
    const fresh = configProblems(trial).filter((p) => !before.has(p));
    if (fresh.length) problems.push(...fresh.map((p) => `URL ${key}=${text}: ${p}`));
    else config[key] = value;
  };
  read('latent', num);
  read('hidden', (s) => s.split(',').map(num));
  read('batch', num);
  read('lr', num);
  read('beta', num);
  read('warmup', num);
  read('likelihood', (s) => s as Likelihood);
  read('binarize', (s) => s as Binarize);
  read('seed', num);
  read('limit', num);
  read('backend', (s) => s as BackendWish);
  if (config.model === 'cvae') read('prior', (s) => s as PriorKind);
  else if (q.get('prior') === 'learned') problems.push('URL prior=learned: a learned prior needs model=cvae');
  return { config, problems };
}

/** The library's model config for a lab config (28×28 images, ten classes for the CVAE). */
export function modelConfig(c: LabConfig, inputDim = 784): VAEConfig {
  return {
    inputDim,
    hidden: [...c.hidden],
    latent: c.latent,
    likelihood: c.likelihood,
    ...(c.likelihood === 'gaussian' ? { gaussianVariance: 'learned' as const } : {}),
    ...(c.model === 'cvae' ? { classes: 10, prior: c.prior } : {}),
  };
}

/**
 * The library's training settings for a lab config (what config.json records; epochs is
 * open-ended here, the lr is Adam's).
 */
export function trainConfig(c: LabConfig, epochs: number): TrainConfig {
  return {
    epochs: Math.max(1, epochs),
    batchSize: c.batch,
    beta: c.beta,
    warmupEpochs: c.warmup,
    binarize: c.binarize,
    seed: c.seed,
  };
}

/**
 * A lab config from a loaded checkpoint's model and training settings (falling back to the
 * defaults). The learning rate is not in config.json (it lives with the optimizer's state, which
 * the page does not load): the page continues at the default rate.
 */
export function configFromSaved(model: VAEConfig, train: TrainConfig | undefined, limit: number): LabConfig {
  const base = defaultConfig(model.classes ? 'cvae' : 'vae');
  return {
    ...base,
    latent: model.latent,
    hidden: [...model.hidden],
    likelihood: model.likelihood,
    prior: model.prior ?? 'standard',
    ...(train
      ? {
          batch: train.batchSize,
          beta: train.beta,
          warmup: train.warmupEpochs,
          binarize: train.binarize,
          seed: train.seed,
        }
      : {}),
    limit,
  };
}

/** True when two configs build the same model and training run (beta and warm-up may differ: they are live). */
export function sameRun(a: LabConfig, b: LabConfig): boolean {
  const strip = (c: LabConfig) => configToQuery({ ...c, beta: 0, warmup: 0 });
  return strip(a) === strip(b);
}
