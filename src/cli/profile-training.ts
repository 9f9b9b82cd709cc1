// `vae train --profile`: the time of each GPU kernel of a training step, as a table.
import { batches } from '../data/batches.js';
import type { Split } from '../data/split.js';
import { formatProfile, profileSteps, type WebGPUBackend } from '../kernels/webgpu/index.js';
import type { Adam } from '../nn/optim.js';
import { currentBackend } from '../tensor/backends.js';
import { tensor } from '../tensor/creation.js';
import { at } from '../tensor/shape.js';
import { tidy } from '../tensor/tidy.js';
import type { TrainConfig } from '../vae/train.js';
import type { VAE } from '../vae/vae.js';
import { UsageError } from './args.js';

export const PROFILE_WARMUP = 5;
export const PROFILE_STEPS = 10;

/**
 * `vae train --profile`: where a training step's time goes. Runs warm-up steps (pipeline
 * compiles), then profiled steps, each after an unprofiled one that gives the step's real wall
 * time; prints the kernels slowest first with their share of the step, and the rest (JS
 * recording the ops, launches, submits, the loss readback). Trains nothing afterwards.
 */
export async function profileTraining(
  model: VAE,
  optimizer: Adam,
  split: Split,
  config: TrainConfig,
  log: (line: string) => void,
): Promise<number> {
  const backend = currentBackend();
  if (backend.name !== 'webgpu')
    throw new UsageError(
      'vae train --profile: profiles GPU kernels, so it needs the webgpu backend ' +
        '(--backend webgpu or auto with an adapter)',
    );
  const gpu = backend as WebGPUBackend;
  const list = [...batches(split, { batchSize: config.batchSize, shuffle: false })].slice(0, 8);
  let i = 0;
  const step = async (): Promise<void> => {
    const b = at(list, i++ % list.length, 'batch');
    const loss = tidy(() => {
      const x = tensor(b.images, [b.size, b.images.length / b.size]);
      const y = model.conditional ? tensor(b.labels, [b.size], { dtype: 'int32' }) : undefined;
      optimizer.zeroGrad();
      const { loss } = model.elbo(x, { y, beta: config.beta });
      loss.backward();
      optimizer.step();
      return loss;
    });
    await loss.item();
    loss.dispose();
  };
  for (let w = 0; w < PROFILE_WARMUP; w++) await step();
  const d0 = gpu.stats().dispatches;
  const { profile, steps, stepMs } = await profileSteps(gpu, step, PROFILE_STEPS);
  const sorted = [...stepMs].sort((a, b) => a - b);
  const [min = NaN, median = NaN, max = NaN] = [sorted[0], sorted[sorted.length >> 1], sorted.at(-1)];
  const clock =
    profile.clock === 'timestamp'
      ? 'GPU timestamp queries, one compute pass per kernel while profiling'
      : `CPU clock, each kernel replayed alone with a sync (~${profile.syncMs.toFixed(2)} ms of each is the sync)`;
  log(
    `profile: ${steps} training steps (batch ${config.batchSize}, loss read every step) after ` +
      `${PROFILE_WARMUP} warm-up steps; ${clock}`,
  );
  log(
    `${((gpu.stats().dispatches - d0) / (2 * steps)).toFixed(0)} kernel launches per step; unprofiled step: median ` +
      `${median.toFixed(1)} ms (min ${min.toFixed(1)}, max ${max.toFixed(1)})\n`,
  );
  log(formatProfile(profile, { steps, stepMs: median }));
  return 0;
}
