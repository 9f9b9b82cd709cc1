// The defaults' single home: fresh copies, the PyTorch-example VAE, and the CLI reading them.
import { describe, expect, it } from 'vitest';
import { TRAIN_HELP } from '../../src/cli/train-command.js';
import {
  CVAE_DEFAULTS,
  CVAE_TRAIN_DEFAULTS,
  defaultModelConfig,
  defaultTrainConfig,
  VAE_TRAIN_DEFAULTS,
} from '../../src/vae/defaults.js';
import { VAE } from '../../src/vae/vae.js';

describe('defaults', () => {
  it('the VAE is the setup of PyTorch’s MNIST example', () => {
    expect(defaultModelConfig('vae')).toEqual({ inputDim: 784, hidden: [400], latent: 20, likelihood: 'bernoulli' });
    expect(defaultTrainConfig('vae')).toEqual({
      epochs: 10,
      batchSize: 128,
      beta: 1,
      warmupEpochs: 0,
      binarize: 'none',
      seed: 0,
    });
  });

  it('hands out copies that build valid models', () => {
    const a = defaultModelConfig('cvae', 64);
    a.hidden.push(1);
    expect(defaultModelConfig('cvae', 64).hidden).toEqual([...CVAE_DEFAULTS.hidden]);
    const t = defaultTrainConfig('cvae');
    t.epochs = 99;
    expect(CVAE_TRAIN_DEFAULTS.epochs).not.toBe(99);
    const model = new VAE(defaultModelConfig('cvae', 64));
    expect(model.conditional).toBe(true);
    expect(model.config.latent).toBe(CVAE_DEFAULTS.latent);
    model.dispose();
  });

  it('vae train --help shows the defaults from there', () => {
    expect(TRAIN_HELP).toContain(`(vae 20; cvae ${CVAE_DEFAULTS.latent})`);
    expect(TRAIN_HELP).toContain(`(${VAE_TRAIN_DEFAULTS.batchSize})`);
  });
});
