// What a result was measured on: the machine, the WebGPU adapter and the versions of everything
// timed, printed above each table and stored with each JSON result.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, release, totalmem } from 'node:os';
import { createWebGPUBackend } from '../../src/kernels/webgpu/index.js';

export interface BenchEnv {
  date: string;
  machine: string;
  adapter: string;
  hasAdapter: boolean;
  node: string;
  versions: Record<string, string>;
}

const require = createRequire(import.meta.url);

function version(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

const NO_ADAPTER = 'no WebGPU adapter';

/** The adapter as our backend describes it (created and destroyed here). */
export async function adapterDescription(): Promise<string> {
  if (process.env.VAE_BENCH_NO_WEBGPU === '1') return NO_ADAPTER; // as on a machine without one
  const gpu = await createWebGPUBackend();
  if (!gpu) return NO_ADAPTER;
  const d = gpu.description.replace(/^WebGPU: /, '');
  gpu.destroy();
  return d;
}

export async function benchEnv(): Promise<BenchEnv> {
  const c = cpus();
  const adapter = await adapterDescription();
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return {
    date: new Date().toISOString(),
    machine:
      `${c.length} × ${c[0]?.model.trim() ?? 'unknown CPU'}, ` +
      `${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}`,
    adapter,
    hasAdapter: adapter !== NO_ADAPTER,
    node: process.version,
    versions: {
      'vae-webgpu': pkg.version,
      webgpu: version('webgpu'),
      '@tensorflow/tfjs-core': version('@tensorflow/tfjs-core'),
      '@tensorflow/tfjs-backend-webgpu': version('@tensorflow/tfjs-backend-webgpu'),
      '@tensorflow/tfjs-backend-wasm': version('@tensorflow/tfjs-backend-wasm'),
      '@tensorflow/tfjs-backend-cpu': version('@tensorflow/tfjs-backend-cpu'),
    },
  };
}

export function envLines(e: BenchEnv): string {
  const v = e.versions;
  return [
    `machine: ${e.machine}; Node ${e.node}`,
    `adapter: ${e.adapter} (Dawn via npm webgpu ${v.webgpu})`,
    `versions: vae-webgpu ${v['vae-webgpu']}, TensorFlow.js ${v['@tensorflow/tfjs-core']} (webgpu ` +
      `${v['@tensorflow/tfjs-backend-webgpu']}, wasm ${v['@tensorflow/tfjs-backend-wasm']}, cpu ` +
      `${v['@tensorflow/tfjs-backend-cpu']}); ${e.date}`,
  ].join('\n');
}
