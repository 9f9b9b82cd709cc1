// One home for the learning rate (issue 14 item 3): the optimizer holds it, a checkpoint saves it
// with the optimizer state and a resume restores it; TrainConfig and config.json carry none, and a
// config.json from before still loads.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Adam, defaultLearningRate, defaultTrainConfig, manualSeed, tensor, tidy } from '../../src/index.js';
import { TRAIN_HELP } from '../../src/cli/train-command.js';
import { loadCheckpoint, loadTrainingState, saveCheckpoint } from '../../src/vae/checkpoint.js';
import { parseSavedRun } from '../../src/vae/saved-run.js';
import { VAE } from '../../src/vae/vae.js';

const dir = mkdtempSync(join(tmpdir(), 'vae-lr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the learning rate lives in the optimizer', () => {
  it('is saved with the optimizer state and restored on resume; config.json has none', async () => {
    manualSeed(0);
    const model = new VAE({ inputDim: 4, hidden: [3], latent: 2, likelihood: 'bernoulli' });
    const opt = new Adam(model.parameters(), { lr: 1e-3 });
    tidy(() => {
      opt.zeroGrad();
      model.elbo(tensor([0, 1, 1, 0], [1, 4])).loss.backward();
      opt.step();
    });
    opt.lr = 2.5e-4; // changed mid-run, e.g. by a schedule
    const train = defaultTrainConfig('vae');
    await saveCheckpoint(dir, model, { optimizer: opt, train, progress: { epoch: 1, step: 0, metrics: [] } });
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { train: Record<string, unknown> };
    expect(config.train).toEqual({ ...train });
    expect('lr' in config.train).toBe(false);

    const ck = await loadCheckpoint(dir);
    const resumed = new Adam(ck.model.parameters(), { lr: defaultLearningRate('vae') });
    await loadTrainingState(dir, resumed, ck.tag);
    expect(resumed.lr).toBe(2.5e-4);
    expect(resumed.stepCount).toBe(1);
  });

  it('a config.json written before still loads: its train.lr is accepted and dropped', () => {
    const text = JSON.stringify({
      format: 'vae-webgpu/1',
      model: { inputDim: 4, hidden: [3], latent: 2, likelihood: 'bernoulli' },
      train: { ...defaultTrainConfig('vae'), lr: 0.01 },
    });
    const saved = parseSavedRun(text);
    expect(saved.train).toEqual(defaultTrainConfig('vae'));
    expect(() => parseSavedRun(text.replace('0.01', '"fast"'))).toThrow(
      `config.json: field 'train.lr' must be a number > 0, got "fast"`,
    );
  });

  it('the defaults give the starting lr on its own; vae train --help shows it', () => {
    expect(defaultLearningRate('vae')).toBe(1e-3);
    expect(defaultTrainConfig('cvae')).not.toHaveProperty('lr');
    expect(TRAIN_HELP).toMatch(/--lr X +Adam learning rate \(0.001\); with --resume, the\n +checkpoint's/);
  });
});
