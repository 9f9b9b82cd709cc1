// Autotuning the blocked matmul per adapter and shape: each candidate configuration (rows ×
// vec4 columns per invocation, workgroup shape) is timed on the device at the shapes a model
// uses, and the fastest is remembered in a table keyed by the shape. The table is plain data
// (a JSON file in Node's cache folder, IndexedDB in a browser: tuning-file.ts, tuning-idb.ts),
// so a second run starts with it. Every candidate computes every output with the same sum in
// the same order (one fma chain along K per output), so the choice never changes a result bit.
import type { MatmulDesc } from '../../../backend.js';
import { type BlockedConfig, configName } from './blocked.js';

/** The configurations `vae tune` times; the first two are the untuned defaults (wide, narrow).
 *  The shareB ones only where the device has subgroups of 8 lanes (tall blocks of 16 or 20 rows
 *  × 16 or 24 columns: the best of them differs by shape, e.g. 20 rows fit M = 400 better). */
export const BLOCKED_CANDIDATES: readonly BlockedConfig[] = [
  { rows: 8, quads: 4, wgX: 8, wgY: 8 },
  { rows: 8, quads: 2, wgX: 8, wgY: 8 },
  { rows: 4, quads: 4, wgX: 8, wgY: 8 },
  { rows: 12, quads: 2, wgX: 8, wgY: 8 },
  { rows: 8, quads: 4, wgX: 4, wgY: 8 },
  { rows: 16, quads: 4, wgX: 1, wgY: 8 },
  { rows: 16, quads: 4, wgX: 1, wgY: 8, shareB: true },
  { rows: 16, quads: 6, wgX: 1, wgY: 8, shareB: true },
  { rows: 20, quads: 4, wgX: 1, wgY: 8, shareB: true },
  { rows: 20, quads: 6, wgX: 1, wgY: 8, shareB: true },
];

/** The candidates a device can run: shareB needs subgroups of exactly wgY lanes (subgroupSize
 *  from the adapter summary; null = no subgroups, or a size that varies). */
export function candidatesFor(subgroupSize: number | null): BlockedConfig[] {
  return BLOCKED_CANDIDATES.filter((c) => !c.shareB || c.wgY === subgroupSize);
}

/** shape key → the chosen configuration's name (configName). */
export type MatmulTuning = Record<string, string>;

/** "NT 1×128×400×784": transposes, batch, M, N, K — what a tuning entry is keyed by. */
export function shapeKey(d: Pick<MatmulDesc, 'transA' | 'transB' | 'batch' | 'm' | 'n' | 'k'>): string {
  return `${d.transA ? 'T' : 'N'}${d.transB ? 'T' : 'N'} ${d.batch}×${d.m}×${d.n}×${d.k}`;
}

/** A candidate set's key, for keying cached tables: a table tuned among other candidates is stale. */
export function candidatesKey(candidates: readonly BlockedConfig[]): string {
  return candidates.map(configName).join(',');
}

/** The candidate of that name among `candidates` (default: all), or undefined for a name it lacks. */
export function candidateNamed(
  name: string,
  candidates: readonly BlockedConfig[] = BLOCKED_CANDIDATES,
): BlockedConfig | undefined {
  return candidates.find((c) => configName(c) === name);
}

/** Products smaller than this many multiply-adds run the default configuration (tuning gains nothing). */
export const TUNING_MIN_MULADDS = 1 << 20;

/** Products worth tuning: below ~1 M multiply-adds a launch costs more than any choice saves. */
export function worthTuning(d: Pick<MatmulDesc, 'batch' | 'm' | 'n' | 'k'>): boolean {
  return d.batch * d.m * d.n * d.k >= TUNING_MIN_MULADDS;
}

/** The fastest candidate by median time (ties: the earlier candidate). Pure, for tests. */
export function fastest(times: Readonly<Record<string, readonly number[]>>): string {
  let best = '';
  let bestMs = Infinity;
  for (const [name, ms] of Object.entries(times)) {
    const sorted = [...ms].sort((a, b) => a - b);
    const median = sorted.length ? sorted[sorted.length >> 1]! : Infinity;
    if (median < bestMs) [best, bestMs] = [name, median];
  }
  if (!best) throw new Error('matmul tuning: no candidate was timed');
  return best;
}
