// The matrix products a VAE's training step runs, and tuning them for the current WebGPU adapter
// on first use: `vae train` keeps the table in a file, the lab in IndexedDB (the store decides).
import type { MatmulDesc } from '../kernels/backend.js';
import { shapeKey, worthTuning } from '../kernels/webgpu/kernels/matmul/tune.js';
import { type MatmulTuningReport, type MatmulTuningStore, tuneWithStore } from '../kernels/webgpu/matmul-tuning.js';
import type { WebGPUBackend } from '../kernels/webgpu/webgpu-backend.js';
import { currentBackend } from '../tensor/backends.js';
import type { VAEConfig } from './vae.js';

/** Forward (x Wᵀ) and backward (gz W, gzᵀ x) products of an MLP with these layer sizes, batch b,
 *  the ones big enough to be worth tuning, each shape once. */
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

/**
 * Tunes the matrix products of a VAE (or CVAE) of this configuration trained at this batch size
 * on the current WebGPU adapter: the table kept in `store` is applied, the shapes it lacks (all
 * with `force`) are timed now and stored. Null on the CPU backend, where there is nothing to tune.
 * Results are the same with or without tuning; only the speed differs.
 */
export async function tuneMatmulsFor(
  config: Pick<VAEConfig, 'inputDim' | 'hidden' | 'latent' | 'classes'>,
  batch: number,
  store: MatmulTuningStore,
  opts: { force?: boolean; rounds?: number } = {},
): Promise<MatmulTuningReport | null> {
  if (!Number.isInteger(batch) || batch < 1)
    throw new Error(`tuneMatmulsFor: batch must be a positive integer, got ${batch}`);
  const backend = currentBackend();
  if (backend.name !== 'webgpu') return null;
  const descs = layerMatmuls(vaeLayers(config.inputDim, config.hidden, config.latent, config.classes ?? 0), batch);
  return tuneWithStore(backend as WebGPUBackend, descs, store, opts);
}
