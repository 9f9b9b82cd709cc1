// Checkpoints: a directory with
//   config.json          the model config (readable; what `vae sample/eval` build the model from)
//   model.safetensors    the parameters by name, loadable by Python's safetensors
//   optimizer.safetensors  Adam's moments, with the training progress in its metadata (for --resume)
// Each file is written atomically (temp file + rename). The optimizer file is written first and
// the model file records the same `step` tag, so a resume can tell a matching pair.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../data/atomic-write.js';
import type { Adam } from '../nn/optim.js';
import { loadSafetensors, saveSafetensors } from '../nn/safetensors-file.js';
import type { Tensor } from '../tensor/tensor.js';
import { fmt } from '../tensor/shape.js';
import { randomState, setRandomState } from '../tensor/random.js';
import type { TrainConfig, TrainProgress } from './train.js';
import { VAE, type VAEConfig } from './vae.js';

const FORMAT = 'vae-webgpu/1';

export interface SavedRun {
  model: VAEConfig;
  train?: TrainConfig;
}

export async function saveCheckpoint(
  dir: string,
  model: VAE,
  extra: { optimizer?: Adam; train?: TrainConfig; progress?: TrainProgress } = {},
): Promise<void> {
  const tag = `${extra.progress?.epoch ?? 0}:${extra.progress?.step ?? 0}:${Date.now()}`;
  if (extra.optimizer && extra.progress) {
    await saveSafetensors(join(dir, 'optimizer.safetensors'), extra.optimizer.stateTensors(), {
      format: FORMAT,
      tag,
      scalars: JSON.stringify(extra.optimizer.stateScalars()),
      progress: JSON.stringify(extra.progress),
      random: JSON.stringify(randomState()),
    });
  }
  const params = Object.fromEntries(model.namedParameters()) as Record<string, Tensor>;
  await saveSafetensors(join(dir, 'model.safetensors'), params, {
    format: FORMAT,
    tag,
    config: JSON.stringify(model.config),
  });
  const saved: SavedRun = { model: { ...model.config }, ...(extra.train ? { train: extra.train } : {}) };
  await writeFileAtomic(
    join(dir, 'config.json'),
    Buffer.from(`${JSON.stringify({ format: FORMAT, ...saved }, null, 2)}\n`),
  );
}

async function readConfig(dir: string): Promise<SavedRun> {
  const path = join(dir, 'config.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(
      `checkpoint ${dir}: cannot read config.json (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  let parsed: SavedRun & { format?: string };
  try {
    parsed = JSON.parse(text) as SavedRun & { format?: string };
  } catch (e) {
    throw new Error(`checkpoint ${dir}: config.json is not valid JSON (${(e as Error).message})`);
  }
  if (parsed.format !== FORMAT || !parsed.model)
    throw new Error(`checkpoint ${dir}: config.json is not a ${FORMAT} checkpoint config`);
  return parsed;
}

/** Builds the model from config.json and fills it from model.safetensors, checking every name and shape. */
export async function loadCheckpoint(dir: string): Promise<{ model: VAE; saved: SavedRun; tag: string }> {
  const saved = await readConfig(dir);
  let model: VAE;
  try {
    model = new VAE(saved.model);
  } catch (e) {
    throw new Error(`checkpoint ${dir}: config.json describes an invalid model (${(e as Error).message})`);
  }
  const { tensors, metadata } = await loadSafetensors(join(dir, 'model.safetensors'));
  try {
    const expected = model.namedParameters();
    const names = new Set(expected.map(([n]) => n));
    const extra = Object.keys(tensors).filter((n) => !names.has(n));
    if (extra.length)
      throw new Error(`model.safetensors has tensors the config does not describe: ${extra.join(', ')}`);
    const replacements = expected.map(([name, p]) => {
      const t = tensors[name];
      if (!t) throw new Error(`model.safetensors lacks '${name}' (config.json does not match the weights)`);
      if (t.shape.join() !== p.shape.join() || t.dtype !== p.dtype) {
        throw new Error(
          `'${name}' is ${t.dtype}${fmt(t.shape)} in model.safetensors but the config expects ${p.dtype}${fmt(p.shape)}`,
        );
      }
      return t;
    });
    expected.forEach(([, p], i) => p.assign(replacements[i]!));
  } catch (e) {
    model.dispose();
    throw new Error(`checkpoint ${dir}: ${(e as Error).message}`);
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
  return { model, saved, tag: metadata.tag ?? '' };
}

/** Restores Adam's moments, the progress and the random stream saved beside a model. */
export async function loadTrainingState(dir: string, optimizer: Adam, modelTag: string): Promise<TrainProgress> {
  const { tensors, metadata } = await loadSafetensors(join(dir, 'optimizer.safetensors'));
  if (metadata.tag !== modelTag) {
    for (const t of Object.values(tensors)) t.dispose();
    throw new Error(
      `checkpoint ${dir}: optimizer.safetensors (tag ${metadata.tag}) does not belong to model.safetensors (tag ${modelTag}); cannot resume`,
    );
  }
  optimizer.loadState(tensors, JSON.parse(metadata.scalars ?? '{}') as Record<string, number>);
  setRandomState(JSON.parse(metadata.random ?? 'null') ?? randomState());
  return JSON.parse(metadata.progress ?? '{"epoch":0,"step":0,"metrics":[]}') as TrainProgress;
}
