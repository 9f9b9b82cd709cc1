// Tuning the matmuls of a VAE's training step from the command line: `vae tune` (on purpose,
// every shape, printing the table) and `vae train` (on first use: only the shapes the cache
// file lacks). VAE_MATMUL_TUNING=off skips it in `vae train`. The shapes and the tuning itself
// live in vae/matmul-shapes.ts and kernels/webgpu/matmul-tuning.ts (the lab uses them too).
import type { MatmulDesc } from '../kernels/backend.js';
import { type MatmulTuneResult, tuneWithStore } from '../kernels/webgpu/matmul-tuning.js';
import { fileTuningStore } from '../kernels/webgpu/tuning-file.js';
import type { WebGPUBackend } from '../kernels/webgpu/webgpu-backend.js';

export function formatTuning(results: readonly MatmulTuneResult[]): string {
  const configs = results[0]?.candidates.map((c) => c.config) ?? [];
  const lines = [
    `| shape (op(A)·op(B): M×N×K) | ${configs.join(' | ')} | chosen |`,
    `|---|${configs.map(() => '---').join('|')}|---|`,
  ];
  for (const r of results) {
    const cells = r.candidates.map((c) => (c.config === r.best ? `**${c.gflops.toFixed(1)}**` : c.gflops.toFixed(1)));
    lines.push(`| ${r.key} | ${cells.join(' | ')} | ${r.best} |`);
  }
  const note =
    "GFLOP/s, median device time of each candidate (the blocked kernel's rows × vec4 columns per " +
    'invocation, workgroup; s: B shared through subgroups)';
  return `${lines.join('\n')}\n\n${note}`;
}

/**
 * Applies the cached tuning for this adapter, tuning the shapes it lacks (all of them with
 * `force`) and saving the result in the cache file. Returns what was timed (empty when the cache
 * had everything).
 */
export async function tuneMatmuls(
  gpu: WebGPUBackend,
  descs: readonly MatmulDesc[],
  opts: { force?: boolean; file?: string; rounds?: number } = {},
): Promise<{ file: string; results: MatmulTuneResult[] }> {
  const store = fileTuningStore(opts.file);
  const { timed } = await tuneWithStore(gpu, descs, store, opts);
  return { file: store.where, results: timed };
}
