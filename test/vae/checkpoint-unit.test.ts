// The checkpoint folder as one unit: the states a kill can leave between the steps of a save
// (see src/vae/checkpoint.ts) all load as the previous or the new checkpoint, and the next run
// cleans them up. Also the older layout (optimizer.safetensors) and hostile training states.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manualSeed } from '../../src/index.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/nn/safetensors.js';
import { Adam } from '../../src/nn/optim.js';
import {
  loadCheckpoint,
  loadTrainingState,
  saveCheckpoint,
  tidyCheckpointDir,
  trainingStateFile,
} from '../../src/vae/checkpoint.js';
import type { TrainConfig, TrainProgress } from '../../src/vae/train.js';
import { VAE } from '../../src/vae/vae.js';

const TRAIN: TrainConfig = { epochs: 3, batchSize: 4, beta: 1, warmupEpochs: 0, binarize: 'none', seed: 0 };
const progress = (epoch: number): TrainProgress => ({ epoch, step: 0, metrics: [] });
const fresh = () => mkdtempSync(join(tmpdir(), 'ckpt-unit-'));

/** Two consecutive saves of one run: folder `a` after the first, `b` after the second. */
async function twoSaves() {
  manualSeed(0);
  const model = new VAE({ inputDim: 6, hidden: [4], latent: 2, likelihood: 'bernoulli' });
  const optimizer = new Adam(model.parameters());
  const [a, b] = [fresh(), fresh()];
  await saveCheckpoint(a, model, { optimizer, train: TRAIN, progress: progress(1) });
  const tagA = (await loadCheckpoint(a)).tag;
  for (const f of readdirSync(a)) copyFileSync(join(a, f), join(b, f));
  model.parameters()[0]!.assign(model.parameters()[0]!.add(1)); // the model moves on
  await saveCheckpoint(b, model, { optimizer, train: TRAIN, progress: progress(2) });
  const tagB = (await loadCheckpoint(b)).tag;
  return { model, a, b, tagA, tagB };
}

async function epochOf(dir: string): Promise<number> {
  const { model, tag } = await loadCheckpoint(dir);
  const p = await loadTrainingState(dir, new Adam(model.parameters()), tag);
  model.dispose();
  return p.epoch;
}

describe('the checkpoint folder as one unit', () => {
  it('a save leaves exactly the pair, one training state named by the tag, and no temp files', async () => {
    const { b, tagB } = await twoSaves();
    expect(readdirSync(b).sort()).toEqual(['config.json', 'model.safetensors', trainingStateFile(tagB)].sort());
    expect(tagB).toMatch(/^e2-s0-[a-z0-9]+$/);
    expect(await epochOf(b)).toBe(2);
  });

  it('killed after writing the new training state, before the switch: the previous checkpoint', async () => {
    const { a, b, tagB } = await twoSaves();
    copyFileSync(join(b, trainingStateFile(tagB)), join(a, trainingStateFile(tagB)));
    writeFileSync(join(a, `.model.safetensors.${999_999_999}.1.abc.tmp`), 'half a file');
    expect(await epochOf(a)).toBe(1);
    const cleaned = await tidyCheckpointDir(a);
    expect(cleaned.sort()).toEqual(['.model.safetensors.999999999.1.abc.tmp', trainingStateFile(tagB)].sort());
    expect(await epochOf(a)).toBe(1);
  });

  it('killed after the switch, before config.json: the new checkpoint, its config from the model file', async () => {
    const { a, b, tagA, tagB } = await twoSaves();
    copyFileSync(join(a, 'config.json'), join(b, 'config.json')); // the old config.json
    copyFileSync(join(a, trainingStateFile(tagA)), join(b, trainingStateFile(tagA))); // the old state not yet deleted
    const { tag, saved } = await loadCheckpoint(b);
    expect(tag).toBe(tagB);
    expect(saved.train).toEqual(TRAIN);
    expect(await epochOf(b)).toBe(2);
    expect((await tidyCheckpointDir(b)).sort()).toEqual(['config.json', trainingStateFile(tagA)].sort());
    expect(JSON.parse(readFileSync(join(b, 'config.json'), 'utf8')).tag).toBe(tagB);
  });

  it('resumes a checkpoint of the older layout (optimizer.safetensors with the same tag)', async () => {
    const { b, tagB } = await twoSaves();
    renameSync(join(b, trainingStateFile(tagB)), join(b, 'optimizer.safetensors'));
    expect(await epochOf(b)).toBe(2);
    expect(await tidyCheckpointDir(b)).toEqual([]); // the legacy file is kept: it is the training state
  });

  it('refuses hostile training states with messages naming the file and what was expected', async () => {
    const { model, b, tagB } = await twoSaves();
    const file = join(b, trainingStateFile(tagB));
    const good = readFileSync(file);
    const edit = (meta: Record<string, string>) => {
      const { tensors, metadata } = decodeSafetensors(good);
      writeFileSync(file, encodeSafetensors({ ...tensors }, { ...metadata, ...meta }));
    };
    const cases: [Record<string, string>, RegExp][] = [
      [{ scalars: 'nope' }, /metadata 'scalars' is not valid JSON/],
      [{ scalars: '{"step": "3"}' }, /metadata 'scalars' must be an object of finite numbers, got \{"step":"3"\}/],
      [{ progress: 'null' }, /metadata 'progress' must be an object \{epoch, step, metrics\}, got null/],
      [
        { progress: '{"epoch": -1, "step": 0, "metrics": []}' },
        /progress' must be an object whose epoch is a non-negative integer, got -1/,
      ],
      [
        { progress: '{"epoch": 1, "step": 0, "metrics": [{"epoch": 1}]}' },
        /metrics\[0\] is \{epoch, train, test, activeUnits, trainSeconds\}/,
      ],
      [{ random: '{"seed": [1], "stream": 0}' }, /metadata 'random' must be an object \{seed: \[u32, u32\], stream/],
    ];
    for (const [meta, message] of cases) {
      edit(meta);
      await expect(loadTrainingState(b, new Adam(model.parameters()), tagB), message.source).rejects.toThrow(
        new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: .*${message.source}`),
      );
    }
    const { tensors, metadata } = decodeSafetensors(good);
    const m0 = tensors['m.0']!;
    writeFileSync(
      file,
      encodeSafetensors({ ...tensors, 'm.0': { ...m0, data: m0.data.map(() => Number.NaN) } }, { ...metadata }),
    );
    await expect(loadTrainingState(b, new Adam(model.parameters()), tagB)).rejects.toThrow(
      /'m.0' holds a non-finite value \(NaN at index 0\)/,
    );
    await expect(loadTrainingState(b, new Adam(model.parameters()), '../../etc/passwd')).rejects.toThrow(
      /not a valid tag/,
    );
  });
});
