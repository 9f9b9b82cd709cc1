// The `vae` CLI end to end, on a small IDX data set cut from real MNIST (seconds, CPU backend).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeIdx } from '../../src/data/idx-encode.js';
import { loadMnist } from '../../src/data/mnist.js';
import { decodeNpy } from '../../src/data/npy.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'vae-cli-'));
const data = join(work, 'data');

async function vae(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], {
      cwd: root,
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

beforeAll(async () => {
  const { train, test } = await loadMnist();
  const write = (name: string, dims: number[], bytes: Uint8Array) =>
    writeFileSync(join(data, name), encodeIdx(dims, bytes));
  const { mkdirSync } = await import('node:fs');
  mkdirSync(data);
  const cut = (split: typeof train, n: number) => ({
    images: Uint8Array.from(split.images.subarray(0, n * 784), (v) => Math.round(v * 255)),
    labels: Uint8Array.from(split.labels.subarray(0, n)),
  });
  const tr = cut(train, 512),
    te = cut(test, 128);
  write('train-images-idx3-ubyte', [512, 28, 28], tr.images);
  write('train-labels-idx1-ubyte', [512], tr.labels);
  write('t10k-images-idx3-ubyte', [128, 28, 28], te.images);
  write('t10k-labels-idx1-ubyte', [128], te.labels);
});

const small = ['--data', data, '--hidden', '64', '--latent', '2', '--batch', '64', '--backend', 'cpu'];
const pngSize = (path: string) => {
  const p = PNG.sync.read(readFileSync(path));
  return [p.width, p.height];
};

describe('vae train / sample / eval', () => {
  it('trains a CVAE and writes every file; sample and eval read the checkpoint', async () => {
    const out = join(work, 'cvae');
    const t = await vae(
      'train',
      '--model',
      'cvae',
      '--prior',
      'learned',
      '--binarize',
      'dynamic',
      '--warmup',
      '1',
      '--epochs',
      '2',
      '--out',
      out,
      ...small,
    );
    expect(t.stderr).not.toMatch(/Error/);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/backend: cpu/);
    expect(t.stdout).toMatch(/KL warm-up 1 epochs, binarize dynamic/);
    expect(t.stdout).toMatch(
      new RegExp(
        String.raw`epoch 2\/2 {2}train -ELBO [\d.]+ \(recon [\d.]+, KL [\d.]+\) {2}` +
          String.raw`test -ELBO [\d.]+ .* active units \d+ {2}[\d.]+s`,
      ),
    );
    for (const f of [
      'metrics.json',
      'samples.png',
      'reconstructions.png',
      'interpolation.png',
      'latent.png',
      'cvae-grid.png',
      'model.safetensors',
      'config.json',
    ]) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    // the training state for --resume, named by the model's tag
    expect(readdirSync(out).filter((f) => /^training-state-.+\.safetensors$/.test(f))).toHaveLength(1);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(metrics.epochs).toHaveLength(2);
    for (const key of ['epoch', 'train', 'test', 'activeUnits', 'trainSeconds'])
      expect(metrics.epochs[1]).toHaveProperty(key);
    for (const key of ['loss', 'recon', 'kl']) expect(Number.isFinite(metrics.epochs[1].test[key])).toBe(true);
    expect(pngSize(join(out, 'cvae-grid.png'))[1]).toBeGreaterThan(pngSize(join(out, 'cvae-grid.png'))[0]! * 0.9);

    const s = await vae(
      'sample',
      '--checkpoint',
      out,
      '--n',
      '5',
      '--digit',
      '3',
      '--out',
      join(work, 's.npy'),
      '--backend',
      'cpu',
    );
    expect(s.code).toBe(0);
    const npy = decodeNpy(readFileSync(join(work, 's.npy')));
    expect(npy.shape).toEqual([5, 784]);
    expect(npy.data.every((v) => v >= 0 && v <= 1)).toBe(true);
    const png = await vae('sample', '--checkpoint', out, '--n', '16', '--out', join(work, 's.png'), '--backend', 'cpu');
    expect(png.code).toBe(0);
    expect(existsSync(join(work, 's.png'))).toBe(true);

    const e = await vae(
      'eval',
      '--checkpoint',
      out,
      '--k',
      '20',
      '--limit',
      '16',
      '--n',
      '20',
      '--data',
      data,
      '--backend',
      'cpu',
    );
    expect(e.code).toBe(0);
    expect(e.stdout).toMatch(/samples the classifier reads as the digit asked for \(20 per digit/);
    expect(e.stdout).toMatch(/\| worst \(\d\) +\| [\d.]+% +\| [\d.]+% +\|/);
    expect(e.stdout).toMatch(/Fréchet distance in the classifier's features, samples vs test digits: [\d.]+/);
    const elbo = Number(/test -ELBO ([\d.]+)/.exec(e.stdout)![1]);
    const nll = Number(/test NLL \(importance-weighted, k=20\) ([\d.]+)/.exec(e.stdout)![1]);
    expect(nll).toBeLessThan(elbo + 5); // the bound is tighter than the ELBO (up to noise on 16 images)
  });

  it('resumes from a checkpoint, and keeps the last good checkpoint when the loss diverges', async () => {
    const out = join(work, 'vae');
    expect((await vae('train', '--epochs', '1', '--out', out, ...small)).code).toBe(0);
    const r = await vae('train', '--epochs', '2', '--resume', '--out', out, ...small);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/resuming from .*: epoch 1 done/);
    expect(
      JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')).epochs.map((m: { epoch: number }) => m.epoch),
    ).toEqual([1, 2]);
    const before = readFileSync(join(out, 'model.safetensors'));
    const d = await vae('train', '--epochs', '3', '--resume', '--lr', '1e30', '--out', out, ...small);
    expect(d.code).toBe(1);
    expect(d.stderr).toMatch(
      /training diverged: the loss became (NaN|Infinity) at epoch 3, step \d+ .*the last good checkpoint is kept/,
    );
    expect(readFileSync(join(out, 'model.safetensors')).equals(before)).toBe(true);
  });

  it('Ctrl-C writes a usable checkpoint and --resume continues from it', async () => {
    const { spawn } = await import('node:child_process');
    const out = join(work, 'interrupted');
    const child = spawn(
      'node',
      ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'train', '--epochs', '1000', '--out', out, ...small],
      { cwd: root },
    );
    let stdout = '';
    let sent = false;
    child.stdout.on('data', (d) => {
      stdout += d;
      // one Ctrl-C (a second one quits at once, by design)
      if (!sent && /epoch 2\/1000 {2}train/.test(stdout)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    expect(code).toBe(130);
    expect(stdout).toMatch(
      /stopped: checkpoint written to .*interrupted \(epoch \d+, step \d+\); continue with --resume/,
    );
    const epochsDone = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')).epochs.length;
    const r = await vae('train', '--epochs', String(epochsDone + 1), '--resume', '--out', out, ...small);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`resuming from .*: epoch ${epochsDone} done`));
    expect(JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')).epochs).toHaveLength(epochsDone + 1);
  });

  it('train --profile on the CPU is refused (the WebGPU run: test/gpu/cli-webgpu.test.ts)', async () => {
    const cpu = await vae('train', '--profile', ...small);
    expect(cpu.code).toBe(2);
    expect(cpu.stderr).toMatch(/--profile: profiles GPU kernels, so it needs the webgpu backend/);
  });

  it('bad input: one clear line and a non-zero exit', async () => {
    const cases: [string[], RegExp][] = [
      [['train', '--epochs', '0'], /--epochs must be >= 1, got 0/],
      [['train', '--latent', '0'], /--latent must be >= 1, got 0/],
      [['train', '--bogus'], /Unknown option '--bogus'/],
      [['train', '--model', 'gan'], /--model must be one of vae, cvae, got 'gan'/],
      [['train', '--data', join(work, 'nowhere')], /--data .*nowhere: no such folder \(ENOENT\)/],
      [
        ['sample', '--checkpoint', join(work, 'vae'), '--digit', '3', '--out', join(work, 'x.png'), '--backend', 'cpu'],
        /--digit needs a CVAE checkpoint/,
      ],
      [
        ['sample', '--checkpoint', join(work, 'cvae'), '--digit', '12', '--out', join(work, 'x.png')],
        /--digit must be between 0 and 9, got 12/,
      ],
      [
        ['sample', '--checkpoint', join(work, 'missing'), '--out', join(work, 'x.png'), '--backend', 'cpu'],
        /--checkpoint .*missing: no such folder \(ENOENT\)/,
      ],
      [['eval'], /--checkpoint is required/],
      [['fly'], /unknown command 'fly'/],
    ];
    for (const [args, message] of cases) {
      const r = await vae(...args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(
        r.stderr
          .trim()
          .split('\n')
          .filter((l) => !l.startsWith('Warning:'))
          .join('\n'),
        args.join(' '),
      ).toMatch(message);
    }
  });

  it('rejects a corrupt checkpoint and one whose config does not match its weights', async () => {
    const { cpSync } = await import('node:fs');
    const bad = join(work, 'bad');
    cpSync(join(work, 'vae'), bad, { recursive: true });
    const config = JSON.parse(readFileSync(join(bad, 'config.json'), 'utf8'));
    config.model.latent = 3;
    writeFileSync(join(bad, 'config.json'), JSON.stringify(config));
    const m = await vae('sample', '--checkpoint', bad, '--out', join(work, 'y.png'), '--backend', 'cpu');
    expect(m.code).toBe(1);
    expect(m.stderr).toMatch(
      new RegExp(
        String.raw`'encoderMu.weight' is float32\[2,64\] in .*bad\/model.safetensors ` +
          String.raw`but .*bad\/config.json expects float32\[3,64\]`,
      ),
    );
    const bytes = readFileSync(join(work, 'vae', 'model.safetensors'));
    writeFileSync(join(bad, 'model.safetensors'), bytes.subarray(0, bytes.length - 100));
    config.model.latent = 2;
    writeFileSync(join(bad, 'config.json'), JSON.stringify(config));
    const c = await vae('sample', '--checkpoint', bad, '--out', join(work, 'y.png'), '--backend', 'cpu');
    expect(c.stderr).toMatch(/model.safetensors: not a valid safetensors file/);
  });
});
