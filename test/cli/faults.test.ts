// Faults around a training run, end to end on a tiny data cut (CPU backend): kill -9 at random
// moments, SIGTERM and SIGHUP, two runs on one --out. After each, the folder holds a complete
// checkpoint and the next --resume loads it and trains.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/data/rng.js';
import { Adam } from '../../src/nn/optim.js';
import { loadCheckpoint, loadTrainingState } from '../../src/vae/checkpoint.js';
import { spawnVae, vae, writeDataCut } from '../helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'vae-faults-'));
const data = join(work, 'data');
const tiny = ['--data', data, '--hidden', '16', '--latent', '2', '--batch', '16', '--backend', 'cpu'];
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const epochsIn = (out: string): number[] =>
  JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')).epochs.map((m: { epoch: number }) => m.epoch);

beforeAll(() => writeDataCut(data, 128, 32)); // 8 steps per epoch: a save every few dozen ms

/** What must hold at every instant: a complete checkpoint that loads, with a training state to resume from. */
async function epochsDone(out: string): Promise<number> {
  const { model, tag } = await loadCheckpoint(out);
  const progress = await loadTrainingState(out, new Adam(model.parameters()), tag);
  model.dispose();
  return progress.epoch;
}

async function expectCompleteCheckpoint(out: string): Promise<void> {
  const { model, tag } = await loadCheckpoint(out);
  const progress = await loadTrainingState(out, new Adam(model.parameters()), tag);
  expect(progress.epoch + progress.step).toBeGreaterThan(0);
  model.dispose();
}

describe('faults during vae train', () => {
  it('kill -9 at random moments: every next --resume loads the checkpoint and trains', async () => {
    const out = join(work, 'killed');
    const rng = createRng(20240607);
    let killedAfterSaves = 0;
    let tookOver = 0;
    for (let i = 0; i < 5; i++) {
      const resume = existsSync(join(out, 'model.safetensors'));
      const run = spawnVae('train', '--epochs', '100000', '--out', out, ...(resume ? ['--resume'] : []), ...tiny);
      // the run must get going: a resumed one has loaded the checkpoint and its training state
      await run.waitFor(resume ? /resuming from .*: epoch \d+ done/ : /VAE 784-16-2, \d+ parameters/);
      await sleep(100 + rng.nextFloat() * 1000);
      run.child.kill('SIGKILL');
      expect((await run.exit).signal).toBe('SIGKILL');
      // the lock of the run killed before this one was stale: taken over, with a line saying so
      if (/took over .*\.train\.lock from pid \d+, which is no longer running/.test(run.out.stdout)) tookOver++;
      if (existsSync(join(out, 'model.safetensors'))) {
        killedAfterSaves++;
        await expectCompleteCheckpoint(out);
      }
    }
    expect(killedAfterSaves).toBeGreaterThan(2);
    expect(tookOver).toBe(4);
    // a last resume runs to its end: leftovers cleaned, each epoch once in metrics.json (which a
    // kill between the checkpoint and metrics.json may have left one epoch behind)
    const done = await epochsDone(out);
    const r = await vae('train', '--epochs', String(done + 1), '--resume', '--out', out, ...tiny);
    expect(r.code, r.stderr).toBe(0);
    expect(epochsIn(out)).toEqual(Array.from({ length: done + 1 }, (_, i) => i + 1));
    const files = readdirSync(out);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('training-state-'))).toHaveLength(1);
    expect(files).not.toContain('.train.lock');
  });

  it('SIGTERM finishes the step and writes a checkpoint; meanwhile a second run on its --out is refused', async () => {
    const out = join(work, 'term');
    const a = spawnVae('train', '--epochs', '100000', '--out', out, ...tiny);
    await a.waitFor(/epoch 2\/100000 {2}train/);
    const b = await vae('train', '--epochs', '1', '--out', out, ...tiny);
    expect(b.code).toBe(2);
    expect(b.stderr.trim()).toMatch(
      new RegExp(
        `^vae train: --out ${out} is in use by another vae train \\(pid ${a.child.pid}, since [^)]+\\); ` +
          `wait for it to end or choose another --out`,
      ),
    );
    a.child.kill('SIGTERM');
    expect((await a.exit).code).toBe(143);
    expect(a.out.stderr).toMatch(/received SIGTERM: finishing the current step and writing a checkpoint/);
    expect(a.out.stdout).toMatch(
      /stopped: checkpoint written to .*term \(epoch \d+, step \d+\); continue with --resume/,
    );
    expect(existsSync(join(out, '.train.lock'))).toBe(false);
    const done = epochsIn(out).length;
    const r = await vae('train', '--epochs', String(done + 1), '--resume', '--out', out, ...tiny);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`resuming from .*: epoch ${done} done`));
    expect(epochsIn(out)).toHaveLength(done + 1);
  });

  it('SIGHUP stops like Ctrl-C; a second signal quits at once and the checkpoint stays usable', async () => {
    const out = join(work, 'hup');
    const a = spawnVae('train', '--epochs', '100000', '--out', out, ...tiny);
    await a.waitFor(/epoch 1\/100000 {2}train/);
    a.child.kill('SIGHUP');
    expect((await a.exit).code).toBe(129);
    expect(a.out.stderr).toMatch(/received SIGHUP: finishing the current step/);
    const b = spawnVae('train', '--epochs', '100000', '--resume', '--out', out, ...tiny);
    await b.waitFor(/epoch \d+\/100000 {2}train/);
    b.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    expect((await b.exit).code).toBe(143);
    await expectCompleteCheckpoint(out);
    const r = await vae('train', '--epochs', String(epochsIn(out).length + 1), '--resume', '--out', out, ...tiny);
    expect(r.code, r.stderr).toBe(0);
  });
});
