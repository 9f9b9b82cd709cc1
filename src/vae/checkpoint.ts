// Checkpoints on disk (Node). A checkpoint directory (`vae train --out`) holds
//   model.safetensors                  the weights; its metadata carries the tag, the model config
//                                      and the training settings (it describes itself)
//   config.json                        the same config, readable: with model.safetensors, the
//                                      user-facing pair (`vae sample/eval --checkpoint`, the lab page)
//   training-state-TAG.safetensors     Adam's moments, the progress and the random stream of the
//                                      save whose model has that tag: what `--resume` adds
//
// One unit, switched by one rename. A save writes (each file: temp file, fsync, rename, fsync
// of the directory)
//   1. training-state-NEW.safetensors   beside the old one; nothing refers to it yet
//   2. model.safetensors                renamed over the old: THE SWITCH to the new checkpoint
//   3. config.json                      the readable copy of the config
//   4. deletes training-state-OLD.safetensors
// so at every instant the directory holds a complete checkpoint: before step 2 the old model
// and its training state, after it the new ones. A reader starts from model.safetensors and
// follows its tag; if a kill fell between steps 2 and 3, config.json still has the old tag and
// the loader takes the config stored in model.safetensors. The next `vae train` on the folder
// deletes what a killed run left (temp files, training states of other tags) and repairs
// config.json (tidyCheckpointDir).
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { removeStaleTemps, writeFileAtomic } from '../data/atomic-write.js';
import type { Adam } from '../nn/optim.js';
import { decodeSafetensors, encodeSafetensors, type RawTensor } from '../nn/safetensors.js';
import { tensor } from '../tensor/creation.js';
import { randomState, setRandomState } from '../tensor/random.js';
import { fmt } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  CHECKPOINT_FORMAT,
  decodeCheckpoint,
  encodeCheckpoint,
  type LoadedCheckpoint,
  newCheckpointTag,
} from './checkpoint-format.js';
import { checkSavedRun, formatSavedRun } from './saved-run.js';
import { parseTrainingState } from './training-state.js';
import type { TrainConfig, TrainProgress } from './train.js';
import type { VAE } from './vae.js';

export type { SavedRun } from './saved-run.js';

export const MODEL_FILE = 'model.safetensors';
export const CONFIG_FILE = 'config.json';
/** Before the training state was named by tag, one file held it (still read on --resume). */
const LEGACY_STATE_FILE = 'optimizer.safetensors';
const STATE_FILE = /^training-state-(.+)\.safetensors$/;
/** A tag becomes part of a file name: letters, digits, dot, dash, underscore only. */
const SAFE_TAG = /^[A-Za-z0-9._-]{1,100}$/;

export const trainingStateFile = (tag: string): string => `training-state-${tag}.safetensors`;

/** Writes the checkpoint as one unit (see the top of this file). */
export async function saveCheckpoint(
  dir: string,
  model: VAE,
  extra: { optimizer?: Adam; train?: TrainConfig; progress?: TrainProgress } = {},
): Promise<void> {
  const tag = newCheckpointTag(extra.progress);
  const files = await encodeCheckpoint(model, { train: extra.train, tag });
  if (extra.optimizer && extra.progress) {
    const entries: Record<string, RawTensor> = Object.create(null);
    for (const [name, t] of Object.entries(extra.optimizer.stateTensors()))
      entries[name] = { dtype: t.dtype, shape: [...t.shape], data: await t.data() };
    const metadata = {
      format: CHECKPOINT_FORMAT,
      tag,
      scalars: JSON.stringify(extra.optimizer.stateScalars()),
      progress: JSON.stringify(extra.progress),
      random: JSON.stringify(randomState()),
    };
    await writeFileAtomic(join(dir, trainingStateFile(tag)), encodeSafetensors(entries, metadata));
  }
  await writeFileAtomic(join(dir, MODEL_FILE), files.model); // the switch
  await writeFileAtomic(join(dir, CONFIG_FILE), new TextEncoder().encode(files.config));
  await removeTrainingStates(dir, tag, true);
}

/** Deletes every training state of dir except the one of `keep` (and, with `legacy`, the legacy file). */
async function removeTrainingStates(dir: string, keep: string, legacy: boolean): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir)) {
    const m = STATE_FILE.exec(name);
    if ((m && m[1] !== keep) || (legacy && name === LEGACY_STATE_FILE)) {
      await rm(join(dir, name), { force: true });
      removed.push(name);
    }
  }
  return removed;
}

async function readIn(dir: string, file: string): Promise<Buffer> {
  try {
    return await readFile(join(dir, file));
  } catch (e) {
    throw new Error(
      `checkpoint ${dir}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
}

async function readOptional(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** The tag config.json names, if it parses at all (the strict check comes later). */
function configTag(text: string): string | undefined {
  try {
    const v = JSON.parse(text) as { tag?: unknown } | null;
    return typeof v?.tag === 'string' ? v.tag : undefined;
  } catch {
    return undefined;
  }
}

/** config.json's text rebuilt from the config a model file carries in its metadata. */
function configFromModel(dir: string, metadata: Record<string, string>): string {
  const where = `${join(dir, MODEL_FILE)} (metadata)`;
  const parse = (key: string): unknown => {
    try {
      return JSON.parse(metadata[key] ?? '');
    } catch {
      throw new Error(`${where}: '${key}' is not valid JSON`);
    }
  };
  const saved = checkSavedRun(
    { format: metadata.format, model: parse('config'), ...(metadata.train ? { train: parse('train') } : {}) },
    where,
  );
  return formatSavedRun(saved, metadata.tag);
}

/**
 * The checkpoint's config.json text: the file itself, or — when it is missing or from another
 * save than model.safetensors (a run killed while switching) — the config the model file carries.
 */
async function currentConfig(dir: string, metadata: Record<string, string>): Promise<string> {
  const text = await readOptional(join(dir, CONFIG_FILE)).catch((e: NodeJS.ErrnoException) => {
    throw new Error(`checkpoint ${dir}: cannot read ${CONFIG_FILE} (${e.code ?? e.message})`);
  });
  const stale =
    text !== null && metadata.tag !== undefined && configTag(text) !== undefined && configTag(text) !== metadata.tag;
  if ((text === null || stale) && metadata.config !== undefined) return configFromModel(dir, metadata);
  if (text === null) throw new Error(`checkpoint ${dir}: cannot read ${CONFIG_FILE} (ENOENT)`);
  return text;
}

/** Builds the model from the checkpoint and fills it, checking every config field, name, shape and value. */
export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  const config = await readOptional(join(dir, CONFIG_FILE)).catch(() => null);
  const modelBytes = await readIn(dir, MODEL_FILE).catch((e: Error) => {
    // neither file: say so plainly (the usual mistake is a wrong --checkpoint)
    if (config === null) throw new Error(`checkpoint ${dir}: cannot read ${CONFIG_FILE} (ENOENT)`);
    throw e;
  });
  const { metadata } = decodeSafetensors(modelBytes, join(dir, MODEL_FILE));
  return decodeCheckpoint({ config: await currentConfig(dir, metadata), model: modelBytes }, { source: dir });
}

/** Restores Adam's moments, the progress and the random stream saved with the model of tag `modelTag`. */
export async function loadTrainingState(dir: string, optimizer: Adam, modelTag: string): Promise<TrainProgress> {
  if (!SAFE_TAG.test(modelTag))
    throw new Error(`checkpoint ${dir}: ${MODEL_FILE} has the tag ${JSON.stringify(modelTag)}, not a valid tag`);
  let name = trainingStateFile(modelTag);
  let bytes = await readFile(join(dir, name)).catch(() => null);
  if (!bytes) {
    const legacy = await readFile(join(dir, LEGACY_STATE_FILE)).catch(() => null);
    if (legacy && decodeSafetensors(legacy, join(dir, LEGACY_STATE_FILE)).metadata.tag === modelTag) {
      name = LEGACY_STATE_FILE;
      bytes = legacy;
    }
  }
  if (!bytes)
    throw new Error(
      `checkpoint ${dir}: no training state for its model (${name} is missing), so it cannot be ` +
        `resumed; it can still be sampled and evaluated`,
    );
  const file = join(dir, name);
  const { tensors, metadata } = decodeSafetensors(bytes, file);
  if (metadata.tag !== modelTag)
    throw new Error(`${file} (tag ${metadata.tag}) does not belong to ${MODEL_FILE} (tag ${modelTag}); cannot resume`);
  const state = parseTrainingState(metadata, file);
  optimizer.params.forEach((p, i) => {
    for (const key of [`m.${i}`, `v.${i}`]) {
      const r = tensors[key];
      if (!r || r.dtype !== p.dtype || r.data.length !== p.size)
        throw new Error(
          `${file}: '${key}' should be ${p.dtype} with ${p.size} values (parameter ${i}), got ` +
            `${r ? `${r.dtype}${fmt(r.shape)}` : 'nothing'}`,
        );
      const bad = r.data.findIndex((x) => !Number.isFinite(x));
      if (bad >= 0) throw new Error(`${file}: '${key}' holds a non-finite value (${r.data[bad]} at index ${bad})`);
    }
  });
  const moments: Record<string, Tensor> = {};
  optimizer.params.forEach((p, i) => {
    for (const key of [`m.${i}`, `v.${i}`]) {
      const r = tensors[key];
      if (r) moments[key] = tensor(r.data, [...p.shape], { dtype: r.dtype, backend: p.backend }); // checked above
    }
  });
  optimizer.loadState(moments, state.scalars);
  setRandomState(state.random ?? randomState());
  return state.progress;
}

/**
 * Run by `vae train` (holding the folder's lock) before it starts: deletes what a killed run
 * left — temp files, training states that belong to no model — and rewrites a config.json that
 * lags behind model.safetensors. Returns the names it removed or rewrote.
 */
export async function tidyCheckpointDir(dir: string): Promise<string[]> {
  const done = await removeStaleTemps(dir);
  const bytes = await readFile(join(dir, MODEL_FILE)).catch(() => null);
  let metadata: Record<string, string> = {};
  try {
    if (bytes) metadata = decodeSafetensors(bytes, join(dir, MODEL_FILE)).metadata;
  } catch {
    return done; // a damaged model file: leave everything for the user to inspect
  }
  if (metadata.tag === undefined) return done;
  done.push(...(await removeTrainingStates(dir, metadata.tag, false)));
  const config = await readOptional(join(dir, CONFIG_FILE));
  const lags = config === null || (configTag(config) !== undefined && configTag(config) !== metadata.tag);
  if (metadata.config !== undefined && lags) {
    await writeFileAtomic(join(dir, CONFIG_FILE), new TextEncoder().encode(configFromModel(dir, metadata)));
    done.push(CONFIG_FILE);
  }
  return done;
}
