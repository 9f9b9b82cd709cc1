// Every measurement runs in a child process of its own (bench/child.ts), one per
// (implementation, round): TensorFlow.js never shares a process, a heap or a device with our
// engine, and the parent alternates implementations round by round so that drift on a shared
// machine hits all of them. The child writes its result as JSON to a file the parent names.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Impl =
  | 'ours-webgpu'
  | 'ours-cpu'
  | 'ours-cpu-reference'
  | 'tfjs-webgpu'
  | 'tfjs-wasm'
  | 'tfjs-cpu'
  | 'torch-default'
  | 'torch-2';
export const IMPL_LABEL: Record<Impl, string> = {
  'ours-webgpu': 'ours, webgpu',
  'ours-cpu': 'ours, cpu',
  'ours-cpu-reference': 'ours, cpu reference',
  'tfjs-webgpu': 'TF.js webgpu',
  'tfjs-wasm': 'TF.js wasm',
  'tfjs-cpu': 'TF.js cpu',
  'torch-default': 'PyTorch cpu, default threads',
  'torch-2': 'PyTorch cpu, 2 threads',
};

const CHILD = join(dirname(fileURLToPath(import.meta.url)), '..', 'child.ts');

/**
 * Runs bench/child.ts with `args` (+ --out FILE) under tsx; resolves to the JSON it wrote. `env`
 * adds to the child's environment (e.g. VK_ICD_FILENAMES to pick another Vulkan driver).
 */
export async function runChild<T>(
  args: readonly string[],
  opts: { timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'vae-bench-'));
  const out = join(dir, 'result.json');
  try {
    const output: string[] = [];
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args, '--out', out], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: opts.env ? { ...process.env, ...opts.env } : process.env,
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 15 * 60_000);
      child.stdout.on('data', (d: Buffer) => output.push(d.toString()));
      child.stderr.on('data', (d: Buffer) => output.push(d.toString()));
      child.on('error', reject);
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    if (code !== 0)
      throw new Error(`bench child ${args.join(' ')} exited with ${code}:\n${output.join('').slice(-4000)}`);
    return JSON.parse(readFileSync(out, 'utf8')) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Round r's order of implementations: forwards on even rounds, backwards on odd ones (A B … B A). */
export function roundOrder<T>(items: readonly T[], round: number): T[] {
  return round % 2 === 0 ? [...items] : [...items].reverse();
}
