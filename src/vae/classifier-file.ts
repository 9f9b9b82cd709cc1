// The sample classifier on disk (Node): one safetensors file holding the weights, with the
// architecture, the training settings and the accuracy it reached on the MNIST test set in its
// metadata. The package ships one (models/mnist-classifier.safetensors, made by
// scripts/train-classifier.ts); `vae eval --classifier FILE` takes another.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadSafetensors, saveSafetensors } from '../nn/safetensors-file.js';
import type { Tensor } from '../tensor/tensor.js';
import { fmt } from '../tensor/shape.js';
import { Classifier, type ClassifierConfig } from './classifier.js';
import type { ClassAccuracy, ClassifierTraining } from './classifier-training.js';

const FORMAT = 'vae-webgpu-classifier/1';

/** What the file says about itself. */
export interface ClassifierInfo {
  config: ClassifierConfig;
  training?: ClassifierTraining;
  /** Accuracy on the test set it was measured on (the MNIST test set for the shipped file). */
  testAccuracy?: ClassAccuracy;
}

/** The shipped classifier: models/ at the package root (two levels above src/vae/ and dist/vae/). */
export function defaultClassifierPath(): string {
  return fileURLToPath(new URL('../../models/mnist-classifier.safetensors', import.meta.url));
}

export async function saveClassifier(path: string, classifier: Classifier, info: Omit<ClassifierInfo, 'config'>) {
  const params = Object.fromEntries(classifier.namedParameters()) as Record<string, Tensor>;
  await saveSafetensors(path, params, {
    format: FORMAT,
    config: JSON.stringify(classifier.config),
    ...(info.training ? { training: JSON.stringify(info.training) } : {}),
    ...(info.testAccuracy ? { testAccuracy: JSON.stringify(info.testAccuracy) } : {}),
  });
}

export async function loadClassifier(
  path = defaultClassifierPath(),
): Promise<{ classifier: Classifier; info: ClassifierInfo }> {
  if (!existsSync(path))
    throw new Error(`${path}: no classifier file (make one with: npx tsx scripts/train-classifier.ts --out ${path})`);
  const { tensors, metadata } = await loadSafetensors(path);
  const fail = (why: string): never => {
    for (const t of Object.values(tensors)) t.dispose();
    throw new Error(`${path}: ${why}`);
  };
  if (metadata.format !== FORMAT)
    fail(`not a classifier file (metadata format is '${metadata.format ?? ''}', expected '${FORMAT}')`);
  let info: ClassifierInfo;
  let classifier: Classifier;
  try {
    info = {
      config: JSON.parse(metadata.config ?? 'null') as ClassifierConfig,
      ...(metadata.training ? { training: JSON.parse(metadata.training) as ClassifierTraining } : {}),
      ...(metadata.testAccuracy ? { testAccuracy: JSON.parse(metadata.testAccuracy) as ClassAccuracy } : {}),
    };
    classifier = new Classifier(info.config);
  } catch (e) {
    return fail(`the metadata does not describe a classifier (${(e as Error).message})`);
  }
  const expected = classifier.namedParameters();
  const extra = Object.keys(tensors).filter((n) => !expected.some(([name]) => name === n));
  if (extra.length) {
    classifier.dispose();
    fail(`holds tensors the config does not describe: ${extra.join(', ')}`);
  }
  for (const [name, p] of expected) {
    const t = tensors[name];
    if (!t || t.shape.join() !== p.shape.join() || t.dtype !== p.dtype) {
      classifier.dispose();
      fail(`'${name}' is ${t ? `${t.dtype}${fmt(t.shape)}` : 'missing'}, the config expects ${p.dtype}${fmt(p.shape)}`);
    }
  }
  expected.forEach(([name, p]) => p.assign(tensors[name]!));
  for (const t of Object.values(tensors)) t.dispose();
  return { classifier: classifier.eval(), info };
}
