// Autotuning the blocked matmul on this device: each candidate configuration (kernels/matmul/
// tune.ts) is timed at each shape, and the fastest goes into the backend's tuning table.
import type { MatmulDesc } from '../backend.js';
import { configName } from './kernels/matmul/blocked.js';
import { fastest, shapeKey } from './kernels/matmul/tune.js';
import type { WebGPUBackend } from './webgpu-backend.js';

/** One shape's tuning: every candidate's median device time and the one chosen. */
export interface MatmulTuneResult {
  key: string;
  best: string;
  candidates: { config: string; ms: number; gflops: number }[];
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
