// vae sweep on a tiny cut of MNIST (CPU, one epoch, two values): every file is written, the table
// has a row per value, and the pictures are non-blank.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeIdx } from '../../src/data/idx-encode.js';
import { loadMnist } from '../../src/data/mnist.js';

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'vae-sweep-'));
const data = join(work, 'data');

beforeAll(async () => {
  const { train, test } = await loadMnist();
  mkdirSync(data);
  const write = (name: string, dims: number[], bytes: Uint8Array) =>
    writeFileSync(join(data, name), encodeIdx(dims, bytes));
  const cut = (split: typeof train, n: number) => ({
    images: Uint8Array.from(split.images.subarray(0, n * 784), (v) => Math.round(v * 255)),
    labels: Uint8Array.from(split.labels.subarray(0, n)),
  });
  const tr = cut(train, 256),
    te = cut(test, 100);
  write('train-images-idx3-ubyte', [256, 28, 28], tr.images);
  write('train-labels-idx1-ubyte', [256], tr.labels);
  write('t10k-images-idx3-ubyte', [100, 28, 28], te.images);
  write('t10k-labels-idx1-ubyte', [100], te.labels);
});

async function vae(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await promisify(execFile)('node', ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], {
      cwd: root,
      timeout: 120_000,
    });
    return { code: 0, ...r };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('vae sweep', () => {
  it('writes a model, samples and numbers per value, the rate-distortion plot and the summary', async () => {
    const out = join(work, 'sweep');
    const small = ['--epochs', '1', '--hidden', '16', '--batch', '64', '--n', '5', '--data', data, '--backend', 'cpu'];
    const r = await vae('sweep', '--model', 'cvae', '--beta', '0.5,2', '--latent-free', ...small, '--out', out);
    expect(r.code).toBe(2); // an unknown flag is a usage error
    const s = await vae('sweep', '--model', 'cvae', '--beta', '0.5,2', ...small, '--out', out);
    expect(s.stderr).not.toMatch(/Error/);
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/beta 0\.5: test -ELBO [\d.]+ \(recon [\d.]+, KL [\d.]+\), active units \d+\/2/);
    const table = readFileSync(join(out, 'summary.md'), 'utf8').trim().split('\n');
    expect(table).toHaveLength(4);
    expect(table[0]).toMatch(/β \| test −ELBO .* recognised \(mean\) \| worst digit/);
    const json = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as { value: number; kl: number }[];
    expect(json.map((p) => p.value)).toEqual([0.5, 2]);
    for (const file of ['rate-distortion.png', 'summary.png', 'beta-0.5/samples.png', 'beta-2/samples.png']) {
      const png = PNG.sync.read(readFileSync(join(out, file)));
      let dark = 0;
      for (let p = 0; p < png.data.length; p += 4) if (png.data[p]! + png.data[p + 1]! + png.data[p + 2]! < 300) dark++;
      expect(dark, file).toBeGreaterThan(200);
    }
    expect(readFileSync(join(out, 'beta-2/config.json'), 'utf8')).toMatch(/"beta": 2/);
  }, 120_000);

  it('needs exactly one of --beta and --latent, with good values', async () => {
    for (const [args, message] of [
      [[], /exactly one of --beta .* or --latent/],
      [['--beta', '1', '--latent', '2'], /exactly one of/],
      [['--beta', '1,x'], /--beta must be comma-separated numbers >= 0, got '1,x'/],
      [['--latent', '2,2'], /--latent repeats a value/],
    ] as const) {
      const r = await vae('sweep', ...args, '--data', data, '--backend', 'cpu');
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});
