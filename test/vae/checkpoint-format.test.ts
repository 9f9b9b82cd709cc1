// The browser-safe checkpoint pair (config.json text + model.safetensors bytes): a round trip,
// and every malformed input a clear error naming the file, the field and what was expected.
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint, type CheckpointFiles } from '../../src/index.js';
import { decodeSafetensors, encodeSafetensors, type RawTensor } from '../../src/nn/safetensors.js';
import { noGrad } from '../../src/autograd/grad-mode.js';
import { manualSeed } from '../../src/tensor/random.js';
import { tensor } from '../../src/tensor/creation.js';
import { VAE, type VAEConfig } from '../../src/vae/vae.js';
import type { TrainConfig } from '../../src/vae/train.js';

const CONFIG: VAEConfig = {
  inputDim: 6,
  hidden: [5],
  latent: 2,
  likelihood: 'bernoulli',
  classes: 3,
  prior: 'learned',
};
const TRAIN: TrainConfig = {
  epochs: 2,
  batchSize: 4,
  beta: 1,
  warmupEpochs: 0,
  binarize: 'none',
  seed: 0,
};

async function files(): Promise<CheckpointFiles> {
  manualSeed(1);
  const model = new VAE(CONFIG);
  const f = await encodeCheckpoint(model, { train: TRAIN });
  model.dispose();
  return f;
}

/** config.json with one change made to its parsed object. */
function editConfig(f: CheckpointFiles, edit: (c: Record<string, unknown>) => unknown): CheckpointFiles {
  const c = JSON.parse(f.config) as Record<string, unknown>;
  const out = edit(c);
  return { ...f, config: JSON.stringify(out === undefined ? c : out) };
}

/** model.safetensors with its tensors changed (metadata kept). */
function editWeights(f: CheckpointFiles, edit: (t: Record<string, RawTensor>) => void): CheckpointFiles {
  const { tensors, metadata } = decodeSafetensors(f.model);
  const copy: Record<string, RawTensor> = { ...tensors };
  edit(copy);
  return { ...f, model: encodeSafetensors(copy, { ...metadata }) };
}

describe('encodeCheckpoint / decodeCheckpoint', () => {
  it('round-trips a CVAE: same config, same training settings, same outputs', async () => {
    manualSeed(3);
    const model = new VAE(CONFIG);
    const f = await encodeCheckpoint(model, { train: TRAIN });
    expect(JSON.parse(f.config)).toMatchObject({ format: 'vae-webgpu/1', model: CONFIG, train: TRAIN });
    const { model: back, saved, tag } = decodeCheckpoint(f);
    expect(saved).toEqual({ model: CONFIG, train: TRAIN });
    expect(tag).toBe(JSON.parse(f.config).tag);
    const x = tensor([[0, 0.5, 1, 0, 0.25, 1]]);
    const y = tensor(new Int32Array([2]), [1], { dtype: 'int32' });
    const [a, b] = noGrad(() => [model.reconstruct(x, y), back.reconstruct(x, y)]);
    expect(Array.from(await b!.data())).toEqual(Array.from(await a!.data()));
  });

  it('refuses a malformed config.json, naming the file, the field and what was expected', async () => {
    const good = await files();
    const cases: [CheckpointFiles, RegExp][] = [
      [
        { ...good, config: 'null' },
        /^run\/config.json: expected a JSON object with fields format, model and train, got null$/,
      ],
      [{ ...good, config: '[1]' }, /run\/config.json: expected a JSON object .* got \[1\]/],
      [{ ...good, config: '{"format":' }, /run\/config.json: not valid JSON/],
      [
        editConfig(good, (c) => void ((c.model as Record<string, unknown>).hidden = '32')),
        /run\/config.json: field 'model.hidden' must be an array of positive integers, got "32"/,
      ],
      [
        editConfig(good, (c) => void ((c.model as Record<string, unknown>).hidden = [32, 0])),
        /field 'model.hidden' must be an array of positive integers, got \[32,0\]/,
      ],
      [
        editConfig(good, (c) => void delete (c.model as Record<string, unknown>).latent),
        /run\/config.json: field 'model.latent' is missing \(expected a positive integer\)/,
      ],
      [
        editConfig(good, (c) => void ((c.model as Record<string, unknown>).latent = 2.5)),
        /field 'model.latent' must be a positive integer, got 2.5/,
      ],
      [
        editConfig(good, (c) => void ((c.model as Record<string, unknown>).likelihood = 'poisson')),
        /field 'model.likelihood' must be one of "bernoulli", "gaussian", got "poisson"/,
      ],
      [
        editConfig(good, (c) => void ((c.model as Record<string, unknown>).colour = 'red')),
        /run\/config.json: unexpected field 'model.colour' \(the fields are inputDim, hidden, latent/,
      ],
      [editConfig(good, (c) => void (c.extra = 1)), /unexpected field 'extra'/],
      [editConfig(good, (c) => void delete c.model), /field 'model' is missing \(expected an object/],
      [editConfig(good, (c) => void (c.format = 'keras')), /field 'format' must be "vae-webgpu\/1", got "keras"/],
      [
        // a config.json from before the lr moved to the optimizer state may carry train.lr
        editConfig(good, (c) => void ((c.train as Record<string, unknown>).lr = -1)),
        /field 'train.lr' must be a number > 0, got -1/,
      ],
      [
        editConfig(good, (c) => void ((c.train as Record<string, unknown>).binarize = null)),
        /field 'train.binarize' must be one of/,
      ],
      [
        { ...good, config: good.config.replace('"model": {', '"model": {"__proto__": {"latent": 7},') },
        /unexpected field 'model.__proto__'/,
      ],
      [
        editConfig(good, (c) => {
          const model = c.model as Record<string, unknown>;
          model.prior = 'learned';
          delete model.classes;
        }),
        /run\/config.json: describes no valid model \(VAE: a learned prior/,
      ],
    ];
    for (const [f, message] of cases)
      expect(() => decodeCheckpoint(f, { source: 'run' }), message.source).toThrow(message);
  });

  it('checks the weights against the config: names, shapes, dtypes, finiteness', async () => {
    const good = await files();
    const cases: [CheckpointFiles, RegExp][] = [
      [
        editWeights(good, (t) => void delete t['encoderMu.bias']),
        /run\/model.safetensors lacks 'encoderMu.bias' \(config.json does not match the weights\)/,
      ],
      [
        editWeights(good, (t) => void (t.stray = { dtype: 'float32', shape: [1], data: new Float32Array(1) })),
        /run\/model.safetensors has tensors the config does not describe: 'stray'/,
      ],
      [
        editWeights(
          good,
          (t) => void (t['encoderMu.bias'] = { dtype: 'float32', shape: [3], data: new Float32Array(3) }),
        ),
        /'encoderMu.bias' is float32\[3\] in run\/model.safetensors but run\/config.json expects float32\[2\]/,
      ],
      [
        editWeights(good, (t) => void (t['encoderMu.bias'] = { dtype: 'int32', shape: [2], data: new Int32Array(2) })),
        /'encoderMu.bias' is int32\[2\] in run\/model.safetensors but .* expects float32\[2\]/,
      ],
      [
        editWeights(good, (t) => {
          const w = t['decoder.1.weight']!;
          const data = Float32Array.from(w.data);
          data[4] = Number.NaN;
          data[7] = Number.POSITIVE_INFINITY;
          t['decoder.1.weight'] = { ...w, data };
        }),
        /run\/model.safetensors: tensor 'decoder.1.weight' holds 2 non-finite value\(s\) \(first: NaN at index 4\)/,
      ],
      [{ ...good, model: good.model.subarray(0, 20) }, /run\/model.safetensors: not a valid safetensors file/],
    ];
    for (const [f, message] of cases)
      expect(() => decodeCheckpoint(f, { source: 'run' }), message.source).toThrow(message);
  });

  it('without a source, errors name the bare file', async () => {
    expect(() => decodeCheckpoint({ ...{ model: new Uint8Array() }, config: 'null' })).toThrow(
      /^config.json: expected/,
    );
  });
});
