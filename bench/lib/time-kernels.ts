// The timing loop every implementation's kernel child shares. An implementation says how to put
// a case's inputs on its device, how to enqueue one run, how to wait for everything enqueued
// and how to read a result back; this file checks, warms up and times it.
//
// One sample = `reps` runs enqueued back to back (reading input set i mod INPUT_SETS), then one
// wait for completion, divided by reps; reps is chosen so a sample lasts ~TARGET_MS, which hides
// the wait (and for TF.js the 1-element readback it syncs with) behind the work. Launch costs
// stay in: this is the throughput of a stream of such ops.
import { caseInputs, checkCase, INPUT_SETS, type KernelCase } from './kernel-cases.js';
import { summarize, type Summary } from './stats.js';

const TARGET_MS = 40;

export interface Prepared {
  /** Enqueue one run on input set s, with variant v (a matmul strategy, or ''). */
  run(s: number, variant: string): void;
  /** Read the output of the last run of input set s. */
  read(s: number): Promise<Float32Array>;
  dispose(): void;
}

export interface KernelImpl {
  /** Variants to time for a case (our matmul strategies; [''] elsewhere). */
  variants(c: KernelCase): string[];
  prepare(c: KernelCase, inputs: Float32Array[][]): Prepared;
  /** Resolves when everything enqueued has run. */
  sync(): Promise<void>;
}

export interface CaseResult {
  label: string;
  /** ms per run, per variant: every sample and their summary. */
  variants: Record<string, Summary & { reps: number; samples: number[] }>;
}

export async function timeKernels(
  impl: KernelImpl,
  cases: readonly KernelCase[],
  runs: number,
  log: (s: string) => void = () => {},
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of cases) {
    const inputs = Array.from({ length: INPUT_SETS }, (_, s) => caseInputs(c, s));
    const p = impl.prepare(c, inputs);
    const variants = impl.variants(c);
    const times: Record<string, number[]> = {};
    const reps: Record<string, number> = {};
    for (const v of variants) {
      // checked against the reference before anything is timed
      p.run(0, v);
      checkCase(c, inputs[0]!, await p.read(0), `${v || 'run'}`);
      // warm-up and calibration: how many runs fill a sample
      for (let s = 1; s < INPUT_SETS; s++) p.run(s, v);
      await impl.sync();
      const t0 = performance.now();
      p.run(0, v);
      await impl.sync();
      const one = performance.now() - t0;
      reps[v] = Math.max(1, Math.min(256, Math.ceil(TARGET_MS / Math.max(one, 1e-3))));
      times[v] = [];
    }
    // variants interleaved run by run, so a busy moment slows them all alike
    for (let r = 0; r < runs; r++) {
      for (const v of variants) {
        const n = reps[v]!;
        const t0 = performance.now();
        for (let i = 0; i < n; i++) p.run(i % INPUT_SETS, v);
        await impl.sync();
        times[v]!.push((performance.now() - t0) / n);
      }
    }
    p.dispose();
    results.push({
      label: c.label,
      variants: Object.fromEntries(
        variants.map((v) => [v, { ...summarize(times[v]!), reps: reps[v]!, samples: times[v]! }]),
      ),
    });
    log(`${c.label}: ${variants.map((v) => `${v || 'ms'} ${summarize(times[v]!).median.toFixed(3)}`).join(', ')}`);
  }
  return results;
}
