// Autotuning the blocked matmul on this device: each candidate configuration (kernels/matmul/
// tune.ts) is timed at each shape, and the fastest goes into the backend's tuning table.
import type { MatmulDesc } from '../backend.js';
import { configName } from './kernels/matmul/blocked.js';
import { fastest, type MatmulTuning, shapeKey } from './kernels/matmul/tune.js';
import type { WebGPUBackend } from './webgpu-backend.js';

/** One shape's tuning: every candidate's median device time and the one chosen. */
export interface MatmulTuneResult {
  /** The shape: transposes, batch, M×N×K (e.g. "NT 1×128×400×784"). */
  key: string;
  /** The name of the fastest candidate, now in the backend's tuning table. */
  best: string;
  /** Every candidate timed, in the order of the backend's candidate list. */
  candidates: CandidateTime[];
}

/** One candidate's timing at one shape. */
export interface CandidateTime {
  /** The candidate's name (e.g. "r16q4w1x8s": rows × vec4 columns per invocation, workgroup). */
  config: string;
  /** Its median device time, ms. */
  ms: number;
  /** GFLOP/s at that time. */
  gflops: number;
}

/**
 * Times every blocked candidate at each shape (device time, `rounds` interleaved rounds after a
 * warm-up; median), records the fastest in the backend's tuning table and returns the measurements.
 */
export async function timeMatmulCandidates(
  gpu: WebGPUBackend,
  descs: readonly MatmulDesc[],
  rounds: number,
): Promise<MatmulTuneResult[]> {
  const results: MatmulTuneResult[] = [];
  const saved = gpu.getMatmulStrategy();
  gpu.setMatmulStrategy('blocked');
  try {
    for (const d of descs) {
      const [ra, rb] = [d.transA ? [d.k, d.m] : [d.m, d.k], d.transB ? [d.n, d.k] : [d.k, d.n]];
      const a = gpu.alloc(d.batch * ra[0]! * ra[1]!, 'float32');
      const b = gpu.alloc(d.batch * rb[0]! * rb[1]!, 'float32');
      const out = gpu.alloc(d.batch * d.m * d.n, 'float32');
      [a, b].forEach((x) => gpu.fill(x, 0.5));
      const desc: MatmulDesc = { ...d, bias: undefined, rowSums: undefined };
      const times: Record<string, number[]> = {};
      for (let r = 0; r < rounds + 1; r++) {
        for (const c of gpu.matmulCandidates) {
          gpu.forcedConfig = c;
          const { ms } = await gpu.runtime.time(() => gpu.matmul(a, b, out, desc));
          if (r > 0) (times[configName(c)] ??= []).push(ms);
        }
      }
      gpu.forcedConfig = null;
      const best = fastest(times);
      gpu.setMatmulTuning({ ...gpu.getMatmulTuning(), [shapeKey(d)]: best });
      const flops = 2 * d.batch * d.m * d.n * d.k;
      results.push({
        key: shapeKey(d),
        best,
        candidates: Object.entries(times).map(([config, ms]) => {
          const median = [...ms].sort((x, y) => x - y)[ms.length >> 1]!;
          return { config, ms: median, gflops: flops / median / 1e6 };
        }),
      });
      [a, b, out].forEach((x) => gpu.free(x));
    }
  } finally {
    gpu.forcedConfig = null;
    gpu.setMatmulStrategy(saved);
  }
  return results;
}

/** Where an adapter's tuning table is kept between runs: a file in Node (tuning-file.ts),
 *  IndexedDB in a browser (tuning-idb.ts). Tables are keyed by WebGPUBackend.adapterKey. */
export interface MatmulTuningStore {
  /** Where the tables live, for messages ("IndexedDB", a file's path). */
  readonly where: string;
  /** The table kept for this adapter ({} when there is none). */
  load(adapterKey: string): MatmulTuning | Promise<MatmulTuning>;
  /** Keeps the table for this adapter (merged over what was kept). */
  save(adapterKey: string, tuning: MatmulTuning): void | Promise<void>;
}

/** What applying a stored tuning did: how many shapes were asked for, and those timed now. */
export interface MatmulTuningReport {
  /** The store's location (its `where`). */
  where: string;
  /** The products asked for. */
  shapes: number;
  /** Those timed now (the rest came from the store); empty when the store had them all. */
  timed: MatmulTuneResult[];
}

/**
 * Applies the stored tuning for this adapter, times the shapes it lacks (all of them with
 * `force`) and stores the result: tuning on first use. Results never depend on it (every
 * candidate computes the same bits); only speed does.
 */
export async function tuneWithStore(
  gpu: WebGPUBackend,
  descs: readonly MatmulDesc[],
  store: MatmulTuningStore,
  opts: { force?: boolean; rounds?: number } = {},
): Promise<MatmulTuningReport> {
  const stored = await store.load(gpu.adapterKey);
  gpu.setMatmulTuning({ ...gpu.getMatmulTuning(), ...stored });
  const missing = opts.force ? [...descs] : descs.filter((d) => stored[shapeKey(d)] === undefined);
  if (missing.length === 0) return { where: store.where, shapes: descs.length, timed: [] };
  const timed = await timeMatmulCandidates(gpu, missing, opts.rounds ?? 5);
  await store.save(gpu.adapterKey, gpu.getMatmulTuning());
  return { where: store.where, shapes: descs.length, timed };
}
