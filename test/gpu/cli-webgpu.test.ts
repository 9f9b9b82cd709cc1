// The `vae` command on WebGPU: stderr carries only what the user should read (Dawn's two
// adapter-limit warnings filtered, everything else kept), and SIGTERM to the command reaches
// the training run, which writes its checkpoint.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, expect, it } from 'vitest';
import { root, spawnVae, vae, writeDataCut } from '../helpers/cli.js';
import { describeWebGPU } from '../helpers/gpu.js';
import { Adam } from '../../src/nn/optim.js';
import { loadCheckpoint, loadTrainingState } from '../../src/vae/checkpoint.js';

const work = mkdtempSync(join(tmpdir(), 'vae-cli-gpu-'));
const data = join(work, 'data');
const tiny = ['--data', data, '--hidden', '16', '--latent', '2', '--batch', '16', '--backend', 'webgpu'];

await describeWebGPU('vae on webgpu', (gpu) => {
  beforeAll(() => writeDataCut(data, 128, 32));

  it('stderr has no Dawn limit warnings (there with VAE_RAW_STDERR=1); errors still come through', async () => {
    const out = join(work, 'model');
    const t = await vae('train', '--epochs', '1', '--out', out, ...tiny);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stderr).not.toMatch(/artificially reduced/);
    expect(t.stderr).toMatch(/epoch 1\/1 {2}8\/8 steps/); // the progress lines pass
    const bad = await vae(
      'sample',
      '--checkpoint',
      out,
      '--n',
      '500000',
      '--out',
      join(work, 's.png'),
      '--backend',
      'webgpu',
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toMatch(/^vae sample: --n 500000 needs .* at most --n \d+ here$/);
    const raw = await promisify(execFile)(
      'node',
      [
        '--import',
        'tsx',
        join(root, 'src/cli/main.ts'),
        'sample',
        '--checkpoint',
        out,
        '--n',
        '4',
        '--out',
        join(work, 'r.png'),
        '--backend',
        'webgpu',
      ],
      { cwd: root, env: { ...process.env, VAE_RAW_STDERR: '1' } },
    );
    expect(raw.stderr).toMatch(/artificially reduced/);
  });

  it('sizes past the adapter: --n and --hidden name the limit before any work', async () => {
    const limit = gpu.maxBufferBytes;
    const n = Math.floor(limit / (784 * 4)) + 1;
    const checkpoint = join(work, 'model'); // trained by the first test
    const sample = await vae(
      'sample',
      '--checkpoint',
      checkpoint,
      '--n',
      String(n),
      '--out',
      join(work, 'z.png'),
      '--backend',
      'webgpu',
    );
    expect(sample.code).toBe(2);
    expect(sample.stderr.trim()).toMatch(
      new RegExp(
        `--n ${n} needs ${n}×784 activations of [\\d,]+ bytes, more than this adapter's largest buffer \\([\\d,]+ ` +
          `bytes, maxStorageBufferBindingSize\\); at most --n ${n - 1} here$`,
      ),
    );
    const hidden = String(Math.ceil(limit / (784 * 4)) + 1);
    const train = await vae(
      'train',
      '--epochs',
      '1',
      '--out',
      join(work, 'g'),
      ...tiny.slice(0, 2),
      '--hidden',
      hidden,
      '--backend',
      'webgpu',
    );
    expect(train.code).toBe(2);
    expect(train.stderr).toMatch(
      /--hidden \d+ needs a 784×\d+ weight matrix of [\d,]+ bytes, more than this adapter's largest buffer/,
    );
    expect(existsSync(join(work, 'g', 'model.safetensors'))).toBe(false);
  });

  it('train --profile prints per-kernel times of a training step and exits without training', async () => {
    const out = join(work, 'profiled');
    const small = ['--data', data, '--hidden', '64', '--latent', '2', '--batch', '64', '--backend', 'webgpu'];
    const r = await vae('train', '--profile', ...small, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/profile: 10 training steps \(batch 64, loss read every step\) after 5 warm-up steps/);
    expect(r.stdout).toMatch(/\| matmul \w+ NT bias\+relu 64×784·784×64 \| 1 \| [\d.]+ \| [\d.]+ % \|/);
    expect(r.stdout).toMatch(/\| adam \d+ \|/);
    expect(r.stdout).toMatch(/\| \*\*all kernels\*\* \|/);
    expect(r.stdout).toMatch(/\| \*\*rest: JS, launches, sync, readback\*\* \|/);
    expect(existsSync(out)).toBe(false);
  });

  it('vae tune: times the candidates at the shapes worth tuning, prints the table, writes the cache', async () => {
    const cache = join(work, 'tuning', 'matmul-tuning.json');
    const tiny = await vae('tune', '--hidden', '16', '--latent', '2', '--batch', '16', '--cache', cache);
    expect(tiny.code, tiny.stderr).toBe(0);
    expect(tiny.stdout).toMatch(
      /nothing to tune: every product of this model \(784-16-2, batch 16\) is below 1,048,576/,
    );
    expect(tiny.stderr).not.toMatch(/artificially reduced/);
    expect(existsSync(cache)).toBe(false);
    const shape = ['--hidden', '64', '--latent', '2', '--batch', '32', '--rounds', '1', '--cache', cache];
    const r = await vae('tune', ...shape);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/artificially reduced/);
    expect(r.stdout).toMatch(/^tuning \d+ matmul shapes × candidates, 1 rounds each/m);
    const rows = r.stdout.split('\n').filter((l) => /^\| (NN|NT|TN) \d+×\d+×\d+×\d+ \|/.test(l));
    expect(rows.length).toBeGreaterThanOrEqual(3); // the 784-wide products (x Wᵀ, gz W, gzᵀ x) are big enough
    for (const row of rows) expect(row).toMatch(/\| r\d+q\d+w\d+x\d+s? \|$/); // each names its chosen config
    expect(r.stdout).toContain(`wrote ${cache}`);
    expect(Object.keys(JSON.parse(readFileSync(cache, 'utf8'))).length).toBeGreaterThan(0);
    const bad = await vae('tune', '--rounds', '0', '--cache', cache);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toMatch(/^vae tune: --rounds must be between 1 and 100, got 0$/);
  });

  it('SIGTERM to the command: the run finishes its step, writes a checkpoint, and --resume continues', async () => {
    const out = join(work, 'term');
    const run = spawnVae('train', '--epochs', '100000', '--out', out, ...tiny);
    await run.waitFor(/epoch 1\/100000 {2}train/);
    run.child.kill('SIGTERM');
    expect((await run.exit).code).toBe(143);
    expect(run.out.stderr).toMatch(/received SIGTERM: finishing the current step/);
    expect(run.out.stdout).toMatch(/stopped: checkpoint written/);
    const { model, tag } = await loadCheckpoint(out);
    const done = (await loadTrainingState(out, new Adam(model.parameters()), tag)).epoch;
    model.dispose();
    const r = await vae('train', '--epochs', String(done + 1), '--resume', '--out', out, ...tiny);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`resuming from .*: epoch ${done} done`));
    expect(r.stderr).not.toMatch(/artificially reduced/);
  });
});
