// The check of issue 12's "done": a program written only from the README and the API reference
// (`npm run docs`), not from examples/mnist-classifier.ts — a 784-256-10 classifier on MNIST for
// one epoch on WebGPU, gradients clipped, the learning rate changed mid-run, saved and reloaded
// with stateDict. Names used, and where the docs give them: tensor/tidy/noGrad/argmax/eq (README,
// "The library in a few lines", Tensor), MLP/Adam/crossEntropy (README, "Library users": the first model),
// clipGradNorm, opt.lr and stepDecay (API: clipGradNorm, Optimizer.lr, stepDecay),
// stateDict/loadStateDict/encodeStateDict/decodeStateDict (API: Module.stateDict, encodeStateDict),
// batches/Split (API: batches), loadMnist (API: vae-webgpu/node), sync (API: sync).
//
//   npx tsx test/docs/classifier-from-the-docs.ts            # the full epoch (the test runs this)
//   npx tsx test/docs/classifier-from-the-docs.ts 10000      # the first 10000 training images
//
// Measured on WebGPU (lavapipe, 2 shared cores): 938 steps in 10.6 s, test accuracy 96.52%,
// reloaded 96.52%, lr 0.002 -> 0.0006, 4 of 38 logged gradient norms clipped to 1.
import {
  Adam,
  batches,
  clipGradNorm,
  crossEntropy,
  decodeStateDict,
  encodeStateDict,
  MLP,
  manualSeed,
  noGrad,
  releaseBackends,
  type Split,
  stepDecay,
  subset,
  sync,
  tensor,
  tidy,
  useBackend,
} from 'vae-webgpu';
import { loadMnist } from 'vae-webgpu/node';

export interface FromTheDocs {
  backend: string;
  steps: number;
  seconds: number;
  accuracy: number;
  reloadedAccuracy: number;
  lrFirst: number;
  lrLast: number;
  /** The gradient norms before clipping, every LOG_EVERY steps. */
  norms: number[];
}

async function testAccuracy(model: MLP, test: Split): Promise<number> {
  let right = 0;
  for (const b of batches(test, { batchSize: 1000, shuffle: false })) {
    const hits = noGrad(() =>
      tidy(() =>
        model
          .forward(tensor(b.images, [b.size, 784]))
          .argmax(1)
          .eq(tensor(b.labels))
          .sum(),
      ),
    );
    right += await hits.item();
    hits.dispose();
  }
  return right / test.count;
}

/** Batch size and peak learning rate: Adam's 1e-3 at batch 100 reached 94.2% in the epoch, short of 95%. */
const BATCH = 64;
const LR = 2e-3;
/** Gradients are clipped to this global L2 norm; the norms before clipping are logged every LOG_EVERY steps. */
export const MAX_NORM = 1;
const LOG_EVERY = 25;

export async function classifierFromTheDocs(limit?: number): Promise<FromTheDocs> {
  const { name } = await useBackend('auto');
  manualSeed(1);
  const mnist = await loadMnist();
  const train = limit ? subset(mnist.train, limit) : mnist.train;

  const model = new MLP([784, 256, 10], 'relu');
  const opt = new Adam(model.parameters(), { lr: LR });
  const steps = Math.ceil(train.count / BATCH);
  const schedule = stepDecay(LR, { stepSize: Math.ceil(steps / 2), gamma: 0.3 }); // lower in the second half
  const lrFirst = opt.lr;
  const norms: number[] = [];

  await sync();
  const started = performance.now();
  let step = 0;
  for (const b of batches(train, { batchSize: BATCH, seed: 1, epoch: 0 })) {
    opt.lr = schedule(step);
    const norm = tidy(() => {
      opt.zeroGrad();
      crossEntropy(model.forward(tensor(b.images, [b.size, 784])), tensor(b.labels)).backward();
      const n = clipGradNorm(model.parameters(), MAX_NORM); // the norm before clipping
      opt.step();
      return n;
    });
    if (step++ % LOG_EVERY === 0) norms.push(await norm.item());
    norm.dispose();
  }
  await sync();
  const seconds = (performance.now() - started) / 1000;
  const lrLast = opt.lr;
  const accuracy = await testAccuracy(model, mnist.test);

  const bytes = await encodeStateDict(model.stateDict());
  const fresh = new MLP([784, 256, 10], 'relu');
  const { tensors } = decodeStateDict(bytes);
  fresh.loadStateDict(tensors);
  for (const t of Object.values(tensors)) t.dispose();
  const reloadedAccuracy = await testAccuracy(fresh, mnist.test);

  model.dispose();
  fresh.dispose();
  opt.dispose();
  return { backend: name, steps, seconds, accuracy, reloadedAccuracy, lrFirst, lrLast, norms };
}

if (import.meta.url === new URL(process.argv[1] ?? '', 'file://').href) {
  const limit = process.argv[2] ? Number(process.argv[2]) : undefined;
  const r = await classifierFromTheDocs(limit);
  console.log(
    `${r.backend}: ${r.steps} steps in ${r.seconds.toFixed(1)} s, test accuracy ${(100 * r.accuracy).toFixed(2)}%, ` +
      `reloaded ${(100 * r.reloadedAccuracy).toFixed(2)}%, lr ${r.lrFirst} -> ${r.lrLast}, ` +
      `${r.norms.filter((n) => n > MAX_NORM).length} of ${r.norms.length} logged gradient norms clipped to ${MAX_NORM}`,
  );
  releaseBackends();
}
