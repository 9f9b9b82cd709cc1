// Checkpoints on disk (Node): a directory with
//   config.json            the model config (readable; what `vae sample/eval` build the model from)
//   model.safetensors      the parameters by name, loadable by Python's safetensors
//   optimizer.safetensors  Adam's moments, with the training progress in its metadata (for --resume)
// The first two are the browser-safe pair of checkpoint-format.ts. Each file is written
// atomically (temp file + rename). The optimizer file is written first and the model file
// records the same `tag`, so a resume can tell a matching pair.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../data/atomic-write.js';
import type { Adam } from '../nn/optim.js';
import { decodeSafetensors } from '../nn/safetensors.js';
import { saveSafetensors } from '../nn/safetensors-file.js';
import { tensor } from '../tensor/creation.js';
import { fmt } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { randomState, setRandomState } from '../tensor/random.js';
import {
  CHECKPOINT_FORMAT,
  decodeCheckpoint,
  encodeCheckpoint,
  newCheckpointTag,
  type SavedRun,
} from './checkpoint-format.js';
import { parseTrainingState } from './training-state.js';
import type { TrainConfig, TrainProgress } from './train.js';
import type { VAE } from './vae.js';

export type { SavedRun } from './checkpoint-format.js';

export async function saveCheckpoint(
  dir: string,
  model: VAE,
  extra: { optimizer?: Adam; train?: TrainConfig; progress?: TrainProgress } = {},
): Promise<void> {
  const tag = newCheckpointTag(extra.progress);
  const files = await encodeCheckpoint(model, { train: extra.train, tag });
  if (extra.optimizer && extra.progress) {
    await saveSafetensors(join(dir, 'optimizer.safetensors'), extra.optimizer.stateTensors(), {
      format: CHECKPOINT_FORMAT,
      tag,
      scalars: JSON.stringify(extra.optimizer.stateScalars()),
      progress: JSON.stringify(extra.progress),
      random: JSON.stringify(randomState()),
    });
  }
  await writeFileAtomic(join(dir, 'model.safetensors'), files.model);
  await writeFileAtomic(join(dir, 'config.json'), new TextEncoder().encode(files.config));
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

/** Builds the model from config.json and fills it from model.safetensors, checking every name and shape. */
export async function loadCheckpoint(dir: string): Promise<{ model: VAE; saved: SavedRun; tag: string }> {
  const config = (await readIn(dir, 'config.json')).toString('utf8');
  const model = await readIn(dir, 'model.safetensors');
  return decodeCheckpoint({ config, model }, { source: dir });
}

/** Restores Adam's moments, the progress and the random stream saved beside a model. */
export async function loadTrainingState(dir: string, optimizer: Adam, modelTag: string): Promise<TrainProgress> {
  const file = join(dir, 'optimizer.safetensors');
  const { tensors, metadata } = decodeSafetensors(await readIn(dir, 'optimizer.safetensors'), file);
  if (metadata.tag !== modelTag)
    throw new Error(
      `${file} (tag ${metadata.tag}) does not belong to model.safetensors (tag ${modelTag}); cannot resume`,
    );
  const state = parseTrainingState(metadata, file);
  const moments: Record<string, Tensor> = {};
  optimizer.params.forEach((p, i) => {
    for (const key of [`m.${i}`, `v.${i}`]) {
      const r = tensors[key];
      if (!r || r.dtype !== p.dtype || r.data.length !== p.size)
        throw new Error(
          `${file}: '${key}' should be ${p.dtype} with ${p.size} values (parameter ${i}), got ${r ? `${r.dtype}${fmt(r.shape)}` : 'nothing'}`,
        );
      const bad = r.data.findIndex((x) => !Number.isFinite(x));
      if (bad >= 0) throw new Error(`${file}: '${key}' holds a non-finite value (${r.data[bad]} at index ${bad})`);
    }
  });
  optimizer.params.forEach((p, i) => {
    for (const key of [`m.${i}`, `v.${i}`]) {
      const r = tensors[key]!;
      moments[key] = tensor(r.data, [...p.shape], { dtype: r.dtype, backend: p.backend });
    }
  });
  optimizer.loadState(moments, state.scalars);
  setRandomState(state.random ?? randomState());
  return state.progress;
}
