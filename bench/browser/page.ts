// The in-browser half of `npm run bench:browser`: the benchmarked VAE training step (784-400-20,
// batch 128 of real MNIST, Adam 1e-3, the loss read back every step) on navigator.gpu, with our
// engine (the public API, as the lab uses it) or with TensorFlow.js's webgpu backend, in the same
// Chromium. The driver (bench/browser-step.ts) opens a fresh page per (implementation, round) and
// calls window.__bench. TF.js is loaded only when asked for (a separate chunk).
import {
  backendInfo,
  createRng,
  decodeIdxAsync,
  manualSeed,
  tensor,
  tidy,
  useBackend,
  type Tensor,
} from '../../src/index.js';
import { newVae, ourTrainingStep } from '../lib/our-step.js';
import type { NamedParams } from '../lib/tfjs-vae.js';
import { BATCH, INPUT, LATENT, LR } from '../lib/vae-shape.js';

export type PageImpl = 'ours' | 'tfjs';

export interface PageStep {
  ms: number[];
  losses: number[];
  description: string;
}

export interface PageCheck {
  ours: number;
  tfjs: number;
  relErr: number;
  description: string;
}

declare global {
  interface Window {
    __bench?: {
      step(impl: PageImpl, warmup: number, runs: number): Promise<PageStep>;
      check(): Promise<PageCheck>;
    };
  }
}

/** The first `count` training batches of MNIST, served by the lab's server (data/). */
async function mnistBatches(count: number): Promise<Float32Array[]> {
  const manifest = (await (await fetch('data/manifest.json')).json()) as { trainImages: string };
  const bytes = new Uint8Array(await (await fetch(`data/${manifest.trainImages}`)).arrayBuffer());
  const { data } = await decodeIdxAsync(bytes, manifest.trainImages);
  return Array.from({ length: count }, (_, b) =>
    Float32Array.from(data.subarray(b * BATCH * INPUT, (b + 1) * BATCH * INPUT), (v) => v / 255),
  );
}

async function loadTf() {
  await import('@tensorflow/tfjs');
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('TF.js: the webgpu backend failed to initialise');
  await tf.ready();
  return tf;
}

/** Warm-up steps, then `runs` timed steps over the batches in turn: wall ms of each (loss read back). */
async function timeSteps(
  step: (x: Float32Array) => Promise<number>,
  batches: Float32Array[],
  warmup: number,
  runs: number,
) {
  const ms: number[] = [];
  const losses: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const t0 = performance.now();
    const loss = await step(batches[i % batches.length]!);
    if (i >= warmup) ms.push(performance.now() - t0);
    losses.push(loss);
  }
  return { ms, losses };
}

async function oursStep(batches: Float32Array[], warmup: number, runs: number): Promise<PageStep> {
  await useBackend('webgpu');
  manualSeed(0);
  const step = ourTrainingStep();
  return { ...(await timeSteps(step, batches, warmup, runs)), description: `ours: ${backendInfo().description}` };
}

async function tfjsStep(batches: Float32Array[], warmup: number, runs: number): Promise<PageStep> {
  const tf = await loadTf();
  const { vaeLoss, variablesFrom } = await import('../lib/tfjs-vae.js');
  const vars = variablesFrom(tf, null);
  const optimizer = tf.train.adam(LR);
  const step = async (xData: Float32Array): Promise<number> => {
    const x = tf.tensor2d(xData, [BATCH, INPUT]);
    const cost = optimizer.minimize(() => vaeLoss(tf, vars, x, tf.randomNormal([BATCH, LATENT])), true)!;
    const loss = (await cost.data())[0]!;
    cost.dispose();
    x.dispose();
    return loss;
  };
  return { ...(await timeSteps(step, batches, warmup, runs)), description: `TensorFlow.js ${tf.version_core} webgpu` };
}

/** Both compute the same loss from the same parameters, batch and noise eps (z = mu + exp(logvar/2)·eps). */
async function check(batches: Float32Array[]): Promise<PageCheck> {
  await useBackend('webgpu');
  manualSeed(1);
  const vae = newVae();
  const rng = createRng(7);
  const eps = Float32Array.from({ length: BATCH * LATENT }, () => {
    const u = 1 - rng.nextFloat();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextFloat());
  });
  const x = batches[0]!;
  const ours = tidy(() => {
    const xt = tensor(x, [BATCH, INPUT]);
    const q = vae.encode(xt);
    const z = q.mu.add(
      q.logvar
        .mul(0.5)
        .exp()
        .mul(tensor(eps, [BATCH, LATENT])),
    );
    return vae.reconstructionNLL(vae.decodeRaw(z), xt).mean().add(vae.klTerm(q).mean()) as Tensor;
  });
  const oursLoss = await ours.item();
  ours.dispose();
  const params: NamedParams = {};
  for (const [name, p] of vae.namedParameters()) params[name] = { data: Float32Array.from(await p.data()) };
  const tf = await loadTf();
  const { vaeLoss, variablesFrom } = await import('../lib/tfjs-vae.js');
  const vars = variablesFrom(tf, params);
  const l = tf.tidy(() => vaeLoss(tf, vars, tf.tensor2d(x, [BATCH, INPUT]), tf.tensor2d(eps, [BATCH, LATENT])));
  const tfLoss = (await l.data())[0]!;
  tf.dispose([l, ...Object.values(vars)]);
  return {
    ours: oursLoss,
    tfjs: tfLoss,
    relErr: Math.abs(oursLoss - tfLoss) / Math.abs(tfLoss),
    description: backendInfo().description,
  };
}

const batches = await mnistBatches(8);
window.__bench = {
  step: (impl, warmup, runs) => (impl === 'ours' ? oursStep : tfjsStep)(batches, warmup, runs),
  check: () => check(batches),
};
document.title = 'bench: ready';
