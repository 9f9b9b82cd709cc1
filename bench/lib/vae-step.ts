// The training-step benchmark's model, data and correctness check, shared by every
// implementation: the VAE of PyTorch's example, 784-400-20-400-784 with ReLU, a Bernoulli
// decoder (BCE from logits summed per image) and the analytic KL, the batch mean of both,
// Adam with lr 1e-3, batch 128 of real MNIST.
//
// The check, before anything is timed: from the same initial parameters, the same batch x and
// the same noise eps (z = mu + exp(logvar / 2) * eps), an implementation must reproduce our CPU
// backend's loss, every parameter's gradient, and the loss after one Adam update.
import { loadMnist } from '../../src/data/mnist.js';
import { Adam } from '../../src/nn/optim.js';
import { useBackend } from '../../src/tensor/backends.js';
import { randn, tensor } from '../../src/tensor/creation.js';
import { manualSeed } from '../../src/tensor/random.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { tidy } from '../../src/tensor/tidy.js';
import { VAE } from '../../src/vae/vae.js';
import { newVae } from './our-step.js';
import { summarize, type Summary } from './stats.js';
import { BATCH, HIDDEN, INPUT, LATENT, LR } from './vae-shape.js';

export { BATCH, HIDDEN, INPUT, LATENT, LR };

export { newVae };

/** Batches of real MNIST training images (grayscale in [0, 1]), `count` of them. */
export async function mnistBatches(count: number): Promise<Float32Array[]> {
  const { train } = await loadMnist();
  return Array.from({ length: count }, (_, i) => train.images.slice(i * BATCH * INPUT, (i + 1) * BATCH * INPUT));
}

/** Our parameters by name: "encoder.0.weight" is [out, in], as in PyTorch. */
export interface NamedArray {
  shape: number[];
  data: Float32Array;
}

export interface StepValues {
  loss1: number;
  grads: Record<string, Float32Array>;
  loss2: number;
}

export interface StepReference extends StepValues {
  params: Record<string, NamedArray>;
  x: Float32Array;
  eps: Float32Array;
}

/** The negative ELBO (batch mean) with the noise eps given instead of drawn. */
export function elboWithEps(model: VAE, x: Tensor, eps: Tensor): Tensor {
  const q = model.encode(x);
  const z = q.mu.add(q.logvar.mul(0.5).exp().mul(eps));
  const raw = model.decodeRaw(z);
  return model.reconstructionNLL(raw, x).mean().add(model.klTerm(q).mean());
}

/** Loss, gradients and loss after one Adam step of `model` on the current backend. */
export async function ourStepValues(model: VAE, xData: Float32Array, epsData: Float32Array): Promise<StepValues> {
  const opt = new Adam(model.parameters(), { lr: LR });
  const x = tensor(xData, [BATCH, INPUT]);
  const eps = tensor(epsData, [BATCH, LATENT]);
  const l1 = tidy(() => {
    opt.zeroGrad();
    const loss = elboWithEps(model, x, eps);
    loss.backward();
    return loss;
  });
  const loss1 = await l1.item();
  const grads: Record<string, Float32Array> = {};
  for (const [name, p] of model.namedParameters()) grads[name] = Float32Array.from(await p.grad!.data());
  opt.step();
  const l2 = tidy(() => elboWithEps(model, x, eps));
  const loss2 = await l2.item();
  for (const t of [l1, l2, x, eps]) t.dispose();
  opt.dispose();
  return { loss1, grads, loss2 };
}

/** The reference, on our CPU reference backend (float32), from seeded parameters and noise. */
export async function stepReference(x: Float32Array): Promise<StepReference> {
  await useBackend('cpu-reference');
  manualSeed(1234);
  const model = newVae();
  const epsT = randn([BATCH, LATENT]);
  const eps = Float32Array.from(await epsT.data());
  epsT.dispose();
  const params: Record<string, NamedArray> = {};
  for (const [name, p] of model.namedParameters())
    params[name] = { shape: [...p.shape], data: Float32Array.from(await p.data()) };
  const values = await ourStepValues(model, x, eps);
  model.dispose();
  return { ...values, params, x, eps };
}

/** Throws unless `got` agrees with the reference (relative to each gradient's largest entry). */
export function compareStep(
  ref: StepValues,
  got: StepValues,
  what: string,
): { lossRelErr: number; gradRelErr: number; loss2RelErr: number } {
  const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(1e-12, Math.abs(b));
  const lossRelErr = rel(got.loss1, ref.loss1);
  const loss2RelErr = rel(got.loss2, ref.loss2);
  let gradRelErr = 0;
  for (const [name, want] of Object.entries(ref.grads)) {
    const g = got.grads[name];
    if (!g || g.length !== want.length) throw new Error(`${what}: gradient of ${name} missing or mis-sized`);
    let scale = 0,
      err = 0;
    for (let i = 0; i < want.length; i++) {
      scale = Math.max(scale, Math.abs(want[i]!));
      err = Math.max(err, Math.abs(g[i]! - want[i]!));
    }
    gradRelErr = Math.max(gradRelErr, err / Math.max(scale, 1e-12));
    if (!(err <= 2e-3 * scale + 1e-6))
      throw new Error(`${what}: gradient of ${name} differs from the CPU reference by ${err} (largest entry ${scale})`);
  }
  if (!(lossRelErr <= 1e-4)) throw new Error(`${what}: loss ${got.loss1}, CPU reference ${ref.loss1}`);
  if (!(loss2RelErr <= 1e-3))
    throw new Error(`${what}: loss after one Adam step ${got.loss2}, CPU reference ${ref.loss2}`);
  return { lossRelErr, gradRelErr, loss2RelErr };
}

export interface StepTiming {
  /** ms per step of the timed steps (warm-up excluded). */
  ms: number[];
  /**
   * CPU time of the whole process (all its threads: GC, a CPU Vulkan driver's workers) per timed
   * step, in ms — what the step costs, whatever share of the cores a busy machine left it.
   */
  cpuMs?: number[];
  summary: Summary;
  warmup: number;
  firstLoss: number;
  lastLoss: number;
}

/** Times `step` (one training step that reads its loss back) on rotating batches. */
export async function timeSteps(
  step: (x: Float32Array) => Promise<number>,
  batches: readonly Float32Array[],
  warmup: number,
  runs: number,
): Promise<StepTiming> {
  const ms: number[] = [];
  const cpuMs: number[] = [];
  let firstLoss = NaN,
    lastLoss = NaN;
  for (let s = 0; s < warmup + runs; s++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const loss = await step(batches[s % batches.length]!);
    const t = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (!Number.isFinite(loss)) throw new Error(`training step ${s}: loss ${loss}`);
    if (s === 0) firstLoss = loss;
    lastLoss = loss;
    if (s >= warmup) {
      ms.push(t);
      cpuMs.push((c.user + c.system) / 1000);
    }
  }
  return { ms, cpuMs, summary: summarize(ms), warmup, firstLoss, lastLoss };
}
