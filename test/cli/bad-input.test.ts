// Bad input to the `vae` command, each a clear line naming the flag, file or field and what was
// expected, and a non-zero exit — before any work starts: flags of every command, unwritable
// or misplaced --out, hostile checkpoint files, empty or mislabelled data, sizes past a limit.
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeIdx } from '../../src/data/idx-encode.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/nn/safetensors.js';
import { vae, writeDataCut, type Result } from '../helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'vae-bad-'));
const data = join(work, 'data');
const good = join(work, 'good');
const tiny = ['--data', data, '--hidden', '16', '--latent', '2', '--batch', '16', '--backend', 'cpu'];
const sweepFlags = ['--data', data, '--hidden', '16', '--batch', '16', '--backend', 'cpu'];

beforeAll(async () => {
  await writeDataCut(data, 64, 16);
  const r = await vae('train', '--epochs', '1', '--out', good, ...tiny);
  if (r.code !== 0) throw new Error(r.stderr);
  writeFileSync(join(work, 'a-file'), 'x');
});

/** A copy of the good checkpoint with one file changed. */
function variant(name: string, file: string, change: (bytes: Buffer) => Uint8Array | string): string {
  const dir = join(work, name);
  cpSync(good, dir, { recursive: true });
  writeFileSync(join(dir, file), change(readFileSync(join(dir, file))));
  return dir;
}

/** The lines of stderr a user reads (Dawn's adapter warnings aside, which item 13 handles). */
const said = (r: Result) =>
  r.stderr
    .split('\n')
    .filter((l) => l && !l.includes('artificially reduced'))
    .join('\n');

async function expectAll(cases: [string[], RegExp][]): Promise<void> {
  // three at a time: each case is a fresh node process
  for (let i = 0; i < cases.length; i += 3) {
    const batch = cases.slice(i, i + 3);
    const results = await Promise.all(batch.map(([args]) => vae(...args)));
    results.forEach((r, j) => {
      const [args, message] = batch[j]!;
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(said(r), args.join(' ')).toMatch(message);
      expect(said(r).split('\n'), args.join(' ')).toHaveLength(1);
    });
  }
}

describe('bad input to vae', () => {
  it('flags: negative numbers, hex, bad lists, --out problems, for every command', async () => {
    const png = join(work, 'x.png');
    await expectAll([
      [['train', '--epochs', '-1', ...tiny], /^vae train: --epochs must be >= 1, got -1$/],
      [['train', '--lr', '0x10', ...tiny], /^vae train: --lr must be a number, got '0x10'$/],
      [['train', '--seed', '-3', ...tiny], /--seed must be >= 0, got -3/],
      [
        ['train', '--hidden', '16,,4', ...tiny.slice(0, 2)],
        /--hidden must be comma-separated positive integers, got '16,,4'/,
      ],
      [['train', '--limit', 'Infinity', ...tiny], /--limit must be an integer, got 'Infinity'/],
      [['train', '--out', join(work, 'a-file'), ...tiny], /--out .*a-file is a file, not a folder/],
      [
        ['train', '--out', join(work, 'a-file', 'sub'), ...tiny],
        /--out .*a-file\/sub: cannot create it, .*a-file is a file/,
      ],
      [['train', '--out', '/proc/vae-out', ...tiny], /--out \/proc\/vae-out: cannot create it \(ENOENT\)/],
      [
        ['sample', '--checkpoint', good, '--n', '0x10', '--out', png],
        /^vae sample: --n must be an integer, got '0x10'$/,
      ],
      [
        ['sample', '--checkpoint', good, '--out', work],
        /--out .* is a folder; give a file name|--out must end in .png or .npy/,
      ],
      [
        ['sample', '--checkpoint', good, '--out', join(work, 'nowhere', 'x.png')],
        /--out .*: the folder .*nowhere does not exist/,
      ],
      [['sample', '--checkpoint', join(work, 'a-file'), '--out', png], /--checkpoint .*a-file is a file, not a folder/],
      [['eval', '--checkpoint', good, '--k', '-5'], /^vae eval: --k must be >= 0, got -5$/],
      [['eval', '--checkpoint', good, '--data', join(work, 'nowhere')], /--data .*nowhere: no such folder \(ENOENT\)/],
      [['eval', '--checkpoint', good, '--batch', '2.5'], /--batch must be an integer, got '2.5'/],
      [
        ['sweep', '--beta', '0x10', ...sweepFlags],
        /^vae sweep: --beta must be comma-separated numbers >= 0, got '0x10'$/,
      ],
      [
        ['sweep', '--beta', '1', '--out', join(work, 'a-file'), ...sweepFlags],
        /--out .*a-file is a file, not a folder/,
      ],
    ]);
  });

  it('hostile checkpoints and data: named file, field and expectation', async () => {
    const png = join(work, 'y.png');
    const nan = variant('nan', 'model.safetensors', (bytes) => {
      const { tensors, metadata } = decodeSafetensors(bytes);
      const w = tensors['decoder.1.weight']!;
      return encodeSafetensors(
        { ...tensors, 'decoder.1.weight': { ...w, data: w.data.map((v, i) => (i === 3 ? Number.NaN : v)) } },
        { ...metadata },
      );
    });
    const nullConfig = variant('null-config', 'config.json', () => 'null');
    const stringHidden = variant('string-hidden', 'config.json', (b) =>
      b.toString().replace(/"hidden": \[\s*16\s*\]/, '"hidden": "32"'),
    );
    const badState = variant('bad-state', 'model.safetensors', (b) => b); // its training state edited below
    const state = readdirSync(badState).find((f) => f.startsWith('training-state-'))!;
    const raw = decodeSafetensors(readFileSync(join(badState, state)));
    writeFileSync(
      join(badState, state),
      encodeSafetensors({ ...raw.tensors }, { ...raw.metadata, scalars: '{step: 1}' }),
    );
    const empty = join(work, 'empty-data');
    cpSync(data, empty, { recursive: true });
    writeFileSync(join(empty, 'train-images-idx3-ubyte'), encodeIdx([0, 28, 28], new Uint8Array(0)));
    writeFileSync(join(empty, 'train-labels-idx1-ubyte'), encodeIdx([0], new Uint8Array(0)));
    const labels = join(work, 'label-data');
    cpSync(data, labels, { recursive: true });
    const l = new Uint8Array(64).fill(3);
    l[17] = 12;
    writeFileSync(join(labels, 'train-labels-idx1-ubyte'), encodeIdx([64], l));
    await expectAll([
      [
        ['sample', '--checkpoint', nullConfig, '--out', png, '--backend', 'cpu'],
        /null-config\/config.json: expected a JSON object with fields format, model and train, got null/,
      ],
      [
        ['sample', '--checkpoint', stringHidden, '--out', png, '--backend', 'cpu'],
        /string-hidden\/config.json: field 'model.hidden' must be an array of positive integers, got "32"/,
      ],
      [
        ['eval', '--checkpoint', nan, '--k', '2', '--data', data, '--backend', 'cpu'],
        /nan\/model.safetensors: tensor 'decoder.1.weight' holds 1 non-finite value\(s\) \(first: NaN at index 3\)/,
      ],
      [
        ['train', '--resume', '--epochs', '3', '--out', badState, ...tiny],
        /bad-state\/training-state-.*\.safetensors: metadata 'scalars' is not valid JSON/,
      ],
      [
        ['train', '--epochs', '1', '--out', join(work, 'e'), ...tiny.slice(2), '--data', empty],
        new RegExp(
          String.raw`empty-data\/train-images-idx3-ubyte: holds no images \(dims \[0, 28, 28\]\); ` +
            'a data set needs at least one image',
        ),
      ],
      [
        ['train', '--model', 'cvae', '--epochs', '1', '--out', join(work, 'l'), ...tiny.slice(2), '--data', labels],
        /label-data: train-labels has label 12 at index 17; a CVAE with 10 classes needs labels 0 to 9/,
      ],
      [
        [
          'train',
          '--epochs',
          '1',
          '--hidden',
          '2000000',
          '--out',
          join(work, 'h'),
          ...tiny.slice(0, 2),
          '--backend',
          'cpu',
        ],
        new RegExp(
          'vae train: --hidden 2000000 needs a 784×2000000 weight matrix of 6,272,000,000 bytes, ' +
            String.raw`more than the cpu backend's largest buffer \(4,294,967,296 bytes\)`,
        ),
      ],
    ]);
  });
});
