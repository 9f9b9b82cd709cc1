// The matmul products a VAE's training step runs, and tuning them for this adapter: used by
// `vae tune` (on purpose, every shape, printing the table) and by `vae train` (on first use:
// only the shapes the cache file lacks). VAE_MATMUL_TUNING=off skips it in `vae train`.
import type { MatmulDesc } from '../kernels/backend.js';
import type { WebGPUBackend, MatmulTuneResult } from '../kernels/webgpu/webgpu-backend.js';
import { shapeKey, worthTuning } from '../kernels/webgpu/kernels/matmul/tune.js';
import { defaultTuningFile, loadMatmulTuning, saveMatmulTuning } from '../kernels/webgpu/tuning-file.js';

/** Forward (x Wᵀ) and backward (gz W, gzᵀ x) products of an MLP with these layer sizes, batch b. */
export function layerMatmuls(sizes: readonly [number, number][], batch: number): MatmulDesc[] {
  const base = { batch: 1, aBatchStride: 0, bBatchStride: 0 };
  const descs = sizes.flatMap(([inF, outF]) => [
    { ...base, m: batch, n: outF, k: inF, transA: false, transB: true },
    { ...base, m: batch, n: inF, k: outF, transA: false, transB: false },
    { ...base, m: outF, n: inF, k: batch, transA: true, transB: false },
  ]);
  const seen = new Set<string>();
  return descs.filter((d) => worthTuning(d) && !seen.has(shapeKey(d)) && seen.add(shapeKey(d)));
}

/** The Linear layers of a VAE (encoder, the two heads, decoder) as [in, out] pairs. */
export function vaeLayers(input: number, hidden: readonly number[], latent: number, classes = 0): [number, number][] {
  const enc = [input + classes, ...hidden];
  const dec = [latent + classes, ...[...hidden].reverse(), input];
  const pairs = (s: number[]) => s.slice(1).map((o, i) => [s[i]!, o] as [number, number]);
  const last = enc[enc.length - 1]!;
  return [...pairs(enc), [last, latent], [last, latent], ...pairs(dec)];
}

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
    'invocation, workgroup)';
  return `${lines.join('\n')}\n\n${note}`;
}

/**
 * Applies the cached tuning for this adapter, tuning the shapes it lacks (all of them with
 * `force`) and saving the result. Returns what was timed (empty when the cache had everything).
 */
export async function tuneMatmuls(
  gpu: WebGPUBackend,
  descs: readonly MatmulDesc[],
  opts: { force?: boolean; file?: string; rounds?: number } = {},
): Promise<{ file: string; results: MatmulTuneResult[] }> {
  const file = opts.file ?? defaultTuningFile();
  const cached = loadMatmulTuning(gpu.adapterKey, file);
  gpu.setMatmulTuning({ ...gpu.getMatmulTuning(), ...cached });
  const missing = opts.force ? [...descs] : descs.filter((d) => cached[shapeKey(d)] === undefined);
  if (missing.length === 0) return { file, results: [] };
  const results = await gpu.tuneMatmul(missing, opts.rounds);
  saveMatmulTuning(gpu.adapterKey, gpu.getMatmulTuning(), file);
  return { file, results };
}
