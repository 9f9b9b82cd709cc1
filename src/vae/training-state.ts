// The training state saved beside a model for --resume: the optimizer's counters, where the
// run stands (TrainProgress) and the random stream's position, as JSON strings in the
// optimizer file's metadata. Read from disk, so every field is checked and named in errors.
import type { EpochMetrics, TrainProgress } from './train.js';

export interface TrainingState {
  scalars: Record<string, number>;
  progress: TrainProgress;
  random?: { seed: [number, number]; stream: number };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isU32 = (v: unknown): v is number => isCount(v) && (v as number) <= 0xffffffff;
const isNumber = (v: unknown): v is number => typeof v === 'number';

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function parseJson(file: string, key: string, text: string | undefined): unknown {
  if (text === undefined)
    throw new Error(`${file}: metadata '${key}' is missing (not a checkpoint written by vae train?)`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: metadata '${key}' is not valid JSON (${(e as Error).message})`);
  }
}

function checkTerms(v: unknown): boolean {
  return isObject(v) && isNumber(v.loss) && isNumber(v.recon) && isNumber(v.kl);
}

function checkMetrics(v: unknown): v is EpochMetrics {
  return (
    isObject(v) &&
    isCount(v.epoch) &&
    checkTerms(v.train) &&
    checkTerms(v.test) &&
    isCount(v.activeUnits) &&
    isNumber(v.trainSeconds)
  );
}

/** Parses and checks the training state in an optimizer file's metadata; `file` names it in errors. */
export function parseTrainingState(metadata: Record<string, string>, file: string): TrainingState {
  const bad = (key: string, expected: string, got: unknown): never => {
    throw new Error(`${file}: metadata '${key}' must be ${expected}, got ${show(got)}`);
  };
  const scalars = parseJson(file, 'scalars', metadata.scalars);
  if (!isObject(scalars) || !Object.values(scalars).every((x) => typeof x === 'number' && Number.isFinite(x)))
    bad('scalars', 'an object of finite numbers', scalars);

  const progress = parseJson(file, 'progress', metadata.progress);
  if (!isObject(progress)) return bad('progress', 'an object {epoch, step, metrics}', progress);
  if (!isCount(progress.epoch)) bad('progress', 'an object whose epoch is a non-negative integer', progress.epoch);
  if (!isCount(progress.step)) bad('progress', 'an object whose step is a non-negative integer', progress.step);
  if (!Array.isArray(progress.metrics)) bad('progress', 'an object whose metrics is an array', progress.metrics);
  if (progress.seen !== undefined && !isCount(progress.seen))
    bad('progress', 'an object whose seen is a non-negative integer', progress.seen);
  const partial = progress.partial;
  if (
    partial !== undefined &&
    !(
      isObject(partial) &&
      isCount(partial.steps) &&
      ['loss', 'recon', 'kl', 'seconds'].every((k) => isNumber(partial[k]))
    )
  )
    bad('progress', 'an object whose partial is {steps, loss, recon, kl, seconds}', partial);
  (progress.metrics as unknown[]).forEach((m, i) => {
    if (!checkMetrics(m))
      bad('progress', `an object whose metrics[${i}] is {epoch, train, test, activeUnits, trainSeconds}`, m);
  });

  let random: TrainingState['random'];
  if (metadata.random !== undefined) {
    const r = parseJson(file, 'random', metadata.random);
    if (r !== null) {
      if (!isObject(r) || !Array.isArray(r.seed) || r.seed.length !== 2 || !r.seed.every(isU32) || !isCount(r.stream))
        bad('random', 'an object {seed: [u32, u32], stream: non-negative integer}', r);
      random = r as TrainingState['random'];
    }
  }
  return {
    scalars: Object.assign(Object.create(null), scalars) as Record<string, number>,
    progress: progress as unknown as TrainProgress,
    ...(random ? { random } : {}),
  };
}
