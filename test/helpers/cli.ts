// Running the `vae` command in tests: a small IDX data cut from real MNIST, the command run to
// completion, or spawned to be signalled or killed part-way.
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { encodeIdx } from '../../src/data/idx-encode.js';
import { loadMnist } from '../../src/data/mnist.js';

const run = promisify(execFile);
export const root = resolve(import.meta.dirname, '../..');
const entry = ['--import', 'tsx', join(root, 'src/cli/main.ts')];

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `vae ...args` to the end. */
export async function vae(...args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await run('node', [...entry, ...args], { cwd: root, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** A running `vae ...args`, its output so far, and a promise of its exit (code, signal). */
export function spawnVae(...args: string[]): {
  child: ChildProcessWithoutNullStreams;
  out: { stdout: string; stderr: string };
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<void>;
} {
  const child = spawn('node', [...entry, ...args], { cwd: root });
  const out = { stdout: '', stderr: '' };
  const waiters: { pattern: RegExp; done: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters])
      if (w.pattern.test(out.stdout + out.stderr)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.done();
      }
  };
  child.stdout.on('data', (d) => {
    out.stdout += d;
    check();
  });
  child.stderr.on('data', (d) => {
    out.stderr += d;
    check();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => done({ code, signal })),
  );
  const waitFor = (pattern: RegExp, timeoutMs = 60_000) =>
    new Promise<void>((done, fail) => {
      const timer = setTimeout(
        () => fail(new Error(`no ${pattern} in ${timeoutMs} ms; output:\n${out.stdout}\n${out.stderr}`)),
        timeoutMs,
      );
      waiters.push({
        pattern,
        done: () => {
          clearTimeout(timer);
          done();
        },
      });
      check();
      void exit.then(() => {
        if (waiters.some((w) => w.pattern === pattern))
          fail(new Error(`exited before ${pattern}; output:\n${out.stdout}\n${out.stderr}`));
      });
    });
  return { child, out, exit, waitFor };
}

/** Writes the four MNIST IDX files of the first nTrain / nTest real images into dir. */
export async function writeDataCut(dir: string, nTrain: number, nTest: number): Promise<void> {
  const { train, test } = await loadMnist();
  mkdirSync(dir, { recursive: true });
  const write = (name: string, dims: number[], bytes: Uint8Array) =>
    writeFileSync(join(dir, name), encodeIdx(dims, bytes));
  const cut = (split: typeof train, n: number) => ({
    images: Uint8Array.from(split.images.subarray(0, n * 784), (v) => Math.round(v * 255)),
    labels: Uint8Array.from(split.labels.subarray(0, n)),
  });
  const tr = cut(train, nTrain);
  const te = cut(test, nTest);
  write('train-images-idx3-ubyte', [nTrain, 28, 28], tr.images);
  write('train-labels-idx1-ubyte', [nTrain], tr.labels);
  write('t10k-images-idx3-ubyte', [nTest, 28, 28], te.images);
  write('t10k-labels-idx1-ubyte', [nTest], te.labels);
}
