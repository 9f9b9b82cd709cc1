// PyTorch in a bench child: bench/impl/pytorch_step.py runs the same training step (model, loss,
// Adam, batch, loss read every step) in a python3 that has torch (Debian's python3-torch, from
// scripts/install-pytorch.sh). This file finds that python, hands it the reference's parameters,
// batch and noise plus the timing batches as raw float32 files, and checks what comes back
// against our CPU backend exactly as the TF.js peer is checked.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarize } from '../lib/stats.js';
import { BATCH, compareStep, INPUT, LATENT, type StepReference, type StepTiming } from '../lib/vae-step.js';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'pytorch_step.py');

export interface TorchPython {
  /** The python3 executable that imports torch. */
  python: string;
  torch: string;
  /** torch.get_num_threads() when nothing sets it. */
  defaultThreads: number;
}

/**
 * A python3 that can import torch: $VAE_BENCH_PYTHON, then the system python (where Debian's
 * python3-torch installs), then python3 on the PATH; null if none can.
 */
export function findTorchPython(): TorchPython | null {
  const candidates = [process.env.VAE_BENCH_PYTHON, '/usr/bin/python3', 'python3'].filter((c): c is string => !!c);
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', 'import torch, numpy; print(torch.__version__, torch.get_num_threads())'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const m = r.status === 0 ? r.stdout.trim().match(/^(\S+) (\d+)$/) : null;
    if (m) return { python, torch: m[1]!, defaultThreads: Number(m[2]) };
  }
  return null;
}

export interface TorchStepResult extends StepTiming {
  check: ReturnType<typeof compareStep>;
  description: string;
  threads: number;
}

interface PyResult {
  check: { loss1: number; grads: Record<string, string>; loss2: number };
  ms: number[];
  cpuMs: number[];
  firstLoss: number;
  lastLoss: number;
  torch: string;
  threads: number;
  warmup: number;
}

/** Checks PyTorch's step against the reference, then times it (threads: a count, or its default). */
export async function torchStep(
  threads: number | 'default',
  ref: StepReference,
  batches: Float32Array[],
  warmup: number,
  runs: number,
): Promise<TorchStepResult> {
  const found = findTorchPython();
  if (!found) throw new Error('PyTorch: no python3 with torch (install it with scripts/install-pytorch.sh)');
  const dir = mkdtempSync(join(tmpdir(), 'vae-bench-torch-'));
  try {
    const write = (file: string, data: Float32Array): string => {
      writeFileSync(join(dir, file), new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      return file;
    };
    const params = Object.entries(ref.params).map(([name, p]) => ({
      name,
      shape: p.shape,
      file: write(`param-${name}.f32`, p.data),
    }));
    const all = new Float32Array(batches.length * BATCH * INPUT);
    batches.forEach((b, i) => all.set(b, i * BATCH * INPUT));
    const manifest = {
      params,
      x: write('x.f32', ref.x),
      eps: write('eps.f32', ref.eps),
      batches: write('batches.f32', all),
      batch: BATCH,
      input: INPUT,
      latent: LATENT,
      count: batches.length,
    };
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const args = [
      SCRIPT,
      '--dir',
      dir,
      '--threads',
      String(threads),
      '--warmup',
      String(warmup),
      '--runs',
      String(runs),
    ];
    const r = spawnSync(found.python, args, { encoding: 'utf8', timeout: 15 * 60_000 });
    if (r.status !== 0) throw new Error(`PyTorch step (${found.python}) exited with ${r.status}:\n${r.stderr}`);
    const py = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as PyResult;
    const grads: Record<string, Float32Array> = {};
    for (const [name, file] of Object.entries(py.check.grads)) {
      const bytes = readFileSync(join(dir, file));
      grads[name] = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    }
    const check = compareStep(ref, { loss1: py.check.loss1, grads, loss2: py.check.loss2 }, 'PyTorch');
    return {
      ms: py.ms,
      cpuMs: py.cpuMs,
      summary: summarize(py.ms),
      warmup: py.warmup,
      firstLoss: py.firstLoss,
      lastLoss: py.lastLoss,
      check,
      threads: py.threads,
      description:
        `PyTorch ${py.torch} cpu, ${py.threads} ` +
        `thread${py.threads === 1 ? '' : 's'}${threads === 'default' ? ' (its default)' : ''}`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
