// examples/mnist-classifier.ts runs in CI on a third of the training set (the README gives the
// full epoch's numbers): it must learn, reload to the same accuracy, and change its lr mid-run.
import { afterAll, expect, it } from 'vitest';
import { trainClassifier } from '../../examples/mnist-classifier.js';
import { releaseBackends } from '../../src/index.js';

afterAll(() => releaseBackends());

it('trains a 784-256-10 classifier on 20000 MNIST images, saves and reloads it', async () => {
  const lines: string[] = [];
  const r = await trainClassifier({ limit: 20000, log: (l) => lines.push(l) });
  expect(r.steps).toBe(313);
  expect(r.accuracy).toBeGreaterThan(0.93);
  expect(r.reloadedAccuracy).toBe(r.accuracy);
  expect(new Set(r.lrs).size).toBe(3);
  expect(Number.isFinite(r.gradNorm)).toBe(true);
  expect(lines[0]).toMatch(/^backend: /);
}, 300_000);
