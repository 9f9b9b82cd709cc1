// config.json of a checkpoint: what a saved run says about itself, checked field by field.
// The file comes from outside (a user's disk, a page's file picker), so every field is checked
// for presence, type and range, unknown fields are refused, and every error names the file,
// the field and what was expected.
import type { TrainConfig } from './train.js';
import type { VAEConfig } from './vae.js';

/** The `format` field of config.json: which layout of checkpoint this library reads and writes. */
export const CHECKPOINT_FORMAT = 'vae-webgpu/1';

/** What config.json holds: the model's config and (from `vae train`) the training settings. */
export interface SavedRun {
  /** The model's architecture. */
  model: VAEConfig;
  /** The training settings of the run that wrote it (absent for a model saved without them). */
  train?: TrainConfig;
}

/** One field's rule: a test and the words for what it expects. */
interface Rule {
  expect: string;
  ok(v: unknown): boolean;
  optional?: boolean;
}

const positiveInt: Rule = { expect: 'a positive integer', ok: (v) => Number.isSafeInteger(v) && (v as number) > 0 };
const nonNegativeInt: Rule = {
  expect: 'a non-negative integer',
  ok: (v) => Number.isSafeInteger(v) && (v as number) >= 0,
};
const oneOf = (...options: string[]): Rule => ({
  expect: `one of ${options.map((o) => JSON.stringify(o)).join(', ')}`,
  ok: (v) => typeof v === 'string' && options.includes(v),
});
const optional = (r: Rule): Rule => ({ ...r, optional: true });
const finite = (min: number, exclusive = false): Rule => ({
  expect: `a number ${exclusive ? '>' : '>='} ${min}`,
  ok: (v) => typeof v === 'number' && Number.isFinite(v) && (exclusive ? v > min : v >= min),
});

// `satisfies Record<keyof ...>`: a field added to VAEConfig or TrainConfig fails to compile here
// until it gets its rule, so config.json and the types cannot drift apart.
const MODEL_RULES = {
  inputDim: positiveInt,
  hidden: {
    expect: 'an array of positive integers',
    ok: (v) => Array.isArray(v) && v.every((h) => positiveInt.ok(h)),
  },
  latent: positiveInt,
  likelihood: oneOf('bernoulli', 'gaussian'),
  gaussianVariance: optional(oneOf('fixed', 'learned')),
  fixedLogVariance: optional({ expect: 'a finite number', ok: (v) => typeof v === 'number' && Number.isFinite(v) }),
  classes: optional(nonNegativeInt),
  prior: optional(oneOf('standard', 'learned')),
} satisfies Record<keyof VAEConfig, Rule>;

const TRAIN_RULES = {
  epochs: positiveInt,
  batchSize: positiveInt,
  beta: finite(0),
  warmupEpochs: finite(0),
  binarize: oneOf('none', 'static', 'dynamic'),
  seed: nonNegativeInt,
} satisfies Record<keyof TrainConfig, Rule>;

/** train.lr of config.json files written before the lr moved to the optimizer state. */
const LEGACY_LR = finite(0, true);

const TOP_RULES = {
  format: { expect: JSON.stringify(CHECKPOINT_FORMAT), ok: (v) => v === CHECKPOINT_FORMAT },
  model: { expect: 'an object (the model config)', ok: isObject },
  train: optional({ expect: 'an object (the training settings)', ok: isObject }),
  tag: optional({ expect: 'a string', ok: (v) => typeof v === 'string' }),
} satisfies Record<string, Rule>;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Checks obj against rules; `path` prefixes field names ('model.'). */
function checkFields(file: string, obj: Record<string, unknown>, rules: Record<string, Rule>, path: string): void {
  const names = Object.keys(rules);
  for (const key of Object.keys(obj)) {
    if (!Object.hasOwn(rules, key))
      throw new Error(`${file}: unexpected field '${path}${key}' (the fields are ${names.join(', ')})`);
  }
  for (const [key, rule] of Object.entries(rules)) {
    const present = Object.hasOwn(obj, key);
    if (!present) {
      if (rule.optional) continue;
      throw new Error(`${file}: field '${path}${key}' is missing (expected ${rule.expect})`);
    }
    const v = obj[key];
    if (!rule.ok(v)) throw new Error(`${file}: field '${path}${key}' must be ${rule.expect}, got ${show(v)}`);
  }
}

/** Parses and checks the text of config.json; `file` names it in errors. */
export function parseSavedRun(text: string, file = 'config.json'): SavedRun & { tag?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
  return checkSavedRun(parsed, file);
}

/** Checks a parsed config.json (or the same object stored in a model file's metadata). */
export function checkSavedRun(value: unknown, file = 'config.json'): SavedRun & { tag?: string } {
  if (!isObject(value))
    throw new Error(`${file}: expected a JSON object with fields format, model and train, got ${show(value)}`);
  checkFields(file, value, TOP_RULES, '');
  const model = value.model as Record<string, unknown>;
  checkFields(file, model, MODEL_RULES, 'model.');
  // Before the learning rate moved to the optimizer's state, config.json had train.lr: accepted
  // (if it is a positive number) and dropped, so older checkpoints still load.
  let train: Record<string, unknown> | undefined;
  if (value.train !== undefined) {
    const { lr, ...rest } = value.train as Record<string, unknown>;
    if (lr !== undefined && !LEGACY_LR.ok(lr))
      throw new Error(`${file}: field 'train.lr' must be ${LEGACY_LR.expect}, got ${show(lr)}`);
    checkFields(file, rest, TRAIN_RULES, 'train.');
    train = rest;
  }
  const out: SavedRun & { tag?: string } = { model: { ...(model as unknown as VAEConfig) } };
  out.model.hidden = [...out.model.hidden];
  if (train !== undefined) out.train = { ...(train as unknown as TrainConfig) };
  if (typeof value.tag === 'string') out.tag = value.tag;
  return out;
}

/** The text of config.json for a run. */
export function formatSavedRun(saved: SavedRun, tag?: string): string {
  const body = {
    format: CHECKPOINT_FORMAT,
    ...(tag ? { tag } : {}),
    model: saved.model,
    ...(saved.train ? { train: saved.train } : {}),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
