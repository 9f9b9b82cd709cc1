// Makes the classifier `vae eval` judges samples with (models/mnist-classifier.safetensors):
//   npx tsx scripts/train-classifier.ts                    # the shipped file: all 60k images, 30 epochs
//   npx tsx scripts/train-classifier.ts --epochs 2 --limit 6000 --out /tmp/c.safetensors
// Seeded: the same flags on the same backend give the same classifier (within float tolerance).
import { parseArgs } from 'node:util';
import { loadMnist } from '../src/data/mnist.js';
import { subset } from '../src/data/split.js';
import { releaseBackends, useBackend, type BackendChoice } from '../src/tensor/backends.js';
import { defaultClassifierPath, saveClassifier } from '../src/vae/classifier-file.js';
import { CLASSIFIER_TRAINING, classifierAccuracy, trainClassifier } from '../src/vae/classifier-training.js';

const { values } = parseArgs({
  options: {
    epochs: { type: 'string' },
    limit: { type: 'string' },
    shift: { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string', default: 'auto' },
    data: { type: 'string' },
    out: { type: 'string', default: defaultClassifierPath() },
  },
});
const int = (name: 'epochs' | 'limit' | 'shift' | 'seed', fallback: number): number => {
  const v = values[name] === undefined ? fallback : Number(values[name]);
  if (!Number.isInteger(v) || v < 0) throw new Error(`train-classifier: --${name} must be a non-negative integer`);
  return v;
};

const info = await useBackend(values.backend as BackendChoice);
console.log(`backend: ${info.name} — ${info.description}`);
const data = await loadMnist(values.data ? { dir: values.data } : {});
const train = values.limit ? subset(data.train, int('limit', 0)) : data.train;
const training = {
  ...CLASSIFIER_TRAINING,
  epochs: int('epochs', CLASSIFIER_TRAINING.epochs),
  shift: int('shift', CLASSIFIER_TRAINING.shift),
  seed: int('seed', CLASSIFIER_TRAINING.seed),
};
console.log(`training on ${train.count} images: ${JSON.stringify(training)}`);
const classifier = await trainClassifier(train, training, {
  onEpoch: (e) =>
    console.log(`epoch ${e.epoch}/${training.epochs}  loss ${e.trainLoss.toFixed(4)}  ${e.seconds.toFixed(1)}s`),
});
const testAccuracy = await classifierAccuracy(classifier, data.test);
console.log(`test accuracy ${(100 * testAccuracy.overall).toFixed(2)}% on ${data.test.count} images`);
console.log(`per digit: ${testAccuracy.perClass.map((a, d) => `${d}: ${(100 * a).toFixed(1)}%`).join('  ')}`);
await saveClassifier(values.out, classifier, { training: { ...training }, testAccuracy });
console.log(`wrote ${values.out}`);
classifier.dispose();
releaseBackends();
