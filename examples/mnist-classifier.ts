// A handwritten-digit classifier, 784-256-10, trained for one epoch on MNIST with the public API
// only: crossEntropy, argmax, Adam with a learning-rate schedule, clipGradNorm, and the model
// saved to safetensors bytes and loaded back with stateDict.
//
//   npx tsx examples/mnist-classifier.ts            # WebGPU when there is an adapter, else the CPU
//   npx tsx examples/mnist-classifier.ts --limit 6000 --backend cpu
import {
  Adam,
  batchCount,
  batches,
  clipGradNorm,
  cosineDecay,
  crossEntropy,
  decodeStateDict,
  encodeStateDict,
  linearWarmup,
  MLP,
  manualSeed,
  noGrad,
  releaseBackends,
  type Split,
  subset,
  sync,
  tensor,
  tidy,
  useBackend,
} from 'vae-webgpu';
import { loadMnist } from 'vae-webgpu/node';

export interface ClassifierOptions {
  epochs?: number;
  batchSize?: number;
  /** The peak learning rate (Adam). */
  lr?: number;
  /** Gradients are clipped to this global L2 norm. */
  maxNorm?: number;
  /** Train on the first N images only (default: all 60000). */
  limit?: number;
  backend?: 'auto' | 'webgpu' | 'cpu';
  seed?: number;
  log?: (line: string) => void;
}

export interface ClassifierResult {
  backend: string;
  steps: number;
  trainSeconds: number;
  /** Test accuracy of the trained model, and of a fresh model loaded from its saved bytes. */
  accuracy: number;
  reloadedAccuracy: number;
  /** The learning rate at the first, middle and last step: the schedule changes it mid-run. */
  lrs: number[];
  /** The gradient norm (before clipping) at the last logged step. */
  gradNorm: number;
}

/** Pixels in [0, 1] standardised with MNIST's mean and standard deviation (0.1307, 0.3081). */
const inputs = (images: Float32Array, n: number) => tensor(images, [n, 784]).sub(0.1307).div(0.3081);

/** The fraction of the split the model labels correctly (argmax of the logits). */
async function accuracy(model: MLP, split: Split): Promise<number> {
  model.eval();
  let correct = 0;
  for (const b of batches(split, { batchSize: 1000, shuffle: false })) {
    const hits = noGrad(() =>
      tidy(() => {
        const logits = model.forward(inputs(b.images, b.size));
        return logits.argmax(1).eq(tensor(b.labels)).sum();
      }),
    );
    correct += await hits.item();
    hits.dispose();
  }
  model.train();
  return correct / split.count;
}

export async function trainClassifier(opts: ClassifierOptions = {}): Promise<ClassifierResult> {
  const { epochs = 1, batchSize = 64, lr = 2e-3, maxNorm = 1, seed = 0, log = () => {} } = opts;
  const info = await useBackend(opts.backend ?? 'auto', { log });
  manualSeed(seed);
  const mnist = await loadMnist();
  const train = opts.limit ? subset(mnist.train, opts.limit) : mnist.train;

  const model = new MLP([784, 256, 10], 'relu');
  const opt = new Adam(model.parameters(), { lr });
  const steps = epochs * batchCount(train.count, batchSize);
  const warmupSteps = Math.max(1, Math.round(steps / 20));
  const schedule = linearWarmup(cosineDecay(lr, { totalSteps: steps }), { warmupSteps });
  const lrs: number[] = [];
  let gradNorm = Number.NaN;

  await sync();
  const started = performance.now();
  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const b of batches(train, { batchSize, seed, epoch })) {
      opt.lr = schedule(step);
      if (step === 0 || step === steps >> 1 || step === steps - 1) lrs.push(opt.lr);
      const logged = tidy(() => {
        opt.zeroGrad();
        const loss = crossEntropy(model.forward(inputs(b.images, b.size)), tensor(b.labels));
        loss.backward();
        const norm = clipGradNorm(model.parameters(), maxNorm);
        opt.step();
        return step % 200 === 0 ? [loss, norm] : null;
      });
      if (logged) {
        const [loss, norm] = await Promise.all(logged.map((t) => t.item()));
        gradNorm = norm!;
        log(
          `step ${step}/${steps}: loss ${loss!.toFixed(4)}, grad norm ` +
            `${norm!.toFixed(3)}, lr ${opt.lr.toExponential(2)}`,
        );
        for (const t of logged) t.dispose();
      }
      step++;
    }
  }
  await sync();
  const trainSeconds = (performance.now() - started) / 1000;

  const acc = await accuracy(model, mnist.test);
  log(`test accuracy ${(100 * acc).toFixed(2)}% after ${trainSeconds.toFixed(1)} s of training`);

  // save the weights as safetensors bytes, and load them into a fresh model
  const bytes = await encodeStateDict(model.stateDict());
  const reloaded = new MLP([784, 256, 10], 'relu');
  const { tensors } = decodeStateDict(bytes);
  reloaded.loadStateDict(tensors);
  for (const t of Object.values(tensors)) t.dispose();
  const reloadedAccuracy = await accuracy(reloaded, mnist.test);
  log(`reloaded from ${bytes.length} bytes: test accuracy ${(100 * reloadedAccuracy).toFixed(2)}%`);

  model.dispose();
  reloaded.dispose();
  opt.dispose();
  return { backend: info.name, steps, trainSeconds, accuracy: acc, reloadedAccuracy, lrs, gradNorm };
}

// Run from the command line: flags --limit N, --epochs N, --backend auto|webgpu|cpu.
if (import.meta.url === new URL(process.argv[1] ?? '', 'file://').href) {
  const flag = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const backend = (flag('backend') ?? 'auto') as 'auto' | 'webgpu' | 'cpu';
  const result = await trainClassifier({
    backend,
    limit: flag('limit') ? Number(flag('limit')) : undefined,
    epochs: flag('epochs') ? Number(flag('epochs')) : undefined,
    log: console.log,
  });
  console.log(JSON.stringify(result));
  releaseBackends();
}
