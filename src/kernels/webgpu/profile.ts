// Per-kernel timing for Runtime.profile(): which kernels a piece of work (a training step)
// launches, how often, and how long the device spends in each, aggregated by label
// ("matmul blocked NT bias+relu 128×784·784×400", "map exp", "reduce sum tree", ...).
//
// Two clocks:
//  - 'timestamp' (the adapter has timestamp-query): each dispatch gets a compute pass of its
//    own with a timestamp written at its beginning and end. The query set holds CAPACITY
//    dispatches; at every submit the timestamps so far are resolved and copied to a mappable
//    buffer, read when profiling ends.
//  - 'wall': dispatches are recorded while the work runs normally; the runtime then replays
//    each one alone and waits for the device, timing it with the CPU clock (sync included).
import type { BufferBinding } from './buffer.js';
import { MAP_READ, Usage } from './gpu-api.js';
import type { ParamValues } from './params.js';
import type { Kernel } from './pipelines.js';
import { politely } from './wait.js';

/** How a profile measured: GPU timestamp queries, or wall time of a replay with a sync per kernel. */
export type ProfileClock = 'timestamp' | 'wall';

/** The device time of one kernel label over a profiled run. */
export interface KernelTime {
  /** The label the kernel was launched with (its pipeline name when it gave none). */
  name: string;
  /** Launches. */
  count: number;
  /** Device time over all launches, in ms (with clock 'wall': CPU time incl. one sync each). */
  totalMs: number;
}

/** Device time per kernel of a profiled piece of work (see {@link profileKernels}). */
export interface Profile {
  /** 'timestamp' (GPU timestamp queries) or 'wall' (a CPU-timed replay, a sync per kernel). */
  clock: ProfileClock;
  /** One entry per label, slowest (by total time) first. */
  kernels: KernelTime[];
  /** Dispatches the profiled work recorded. */
  dispatches: number;
  /** Sum of the kernels' times. */
  kernelMs: number;
  /** Wall time of the profiled work itself (slower than unprofiled: one pass per dispatch). */
  wallMs: number;
  /** Clock 'wall': the cost of one empty submit + wait, included in every kernel's time. */
  syncMs: number;
}

interface Recorded {
  kernel: Kernel;
  params: ParamValues;
  buffers: readonly BufferBinding[];
  grid: readonly [number, number, number];
  label: string;
}

/** Dispatches per query set (two timestamps each); a full set ends the batch. */
const CAPACITY = 1024;

export class KernelProfiler {
  private readonly totals = new Map<string, KernelTime>();
  readonly recorded: Recorded[] = [];
  private querySet: GPUQuerySet | null = null;
  private resolveBuffer: GPUBuffer | null = null;
  private labels: string[] = [];
  private readonly chunks: { buffer: GPUBuffer; labels: string[] }[] = [];

  constructor(
    private readonly device: GPUDevice,
    readonly clock: ProfileClock,
  ) {}

  /** The timestamp writes for the next dispatch's pass. */
  nextPass(label: string): GPUComputePassTimestampWrites {
    this.querySet ??= this.device.createQuerySet({ type: 'timestamp', count: 2 * CAPACITY, label: 'profile' });
    const i = this.labels.length;
    this.labels.push(label);
    return { querySet: this.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 };
  }

  /** No room for another dispatch's timestamps until the next submit. */
  full(): boolean {
    return this.labels.length >= CAPACITY;
  }

  /** Before a submit: resolve this batch's timestamps into a buffer to read at the end. */
  resolve(encoder: GPUCommandEncoder): void {
    const n = this.labels.length;
    if (n === 0 || !this.querySet) return;
    const bytes = 16 * n;
    this.resolveBuffer ??= this.device.createBuffer({
      size: 16 * CAPACITY,
      usage: Usage.QUERY_RESOLVE | Usage.COPY_SRC,
      label: 'profile resolve',
    });
    const buffer = this.device.createBuffer({
      size: bytes,
      usage: MAP_READ | Usage.COPY_DST,
      label: 'profile readback',
    });
    encoder.resolveQuerySet(this.querySet, 0, 2 * n, this.resolveBuffer, 0);
    encoder.copyBufferToBuffer(this.resolveBuffer, 0, buffer, 0, bytes);
    this.chunks.push({ buffer, labels: this.labels });
    this.labels = [];
  }

  /** The batch was dropped after an error: its timestamps will never be written. */
  abandon(): void {
    this.labels = [];
  }

  /** Clock 'wall': remember a dispatch to replay it alone later. */
  record(
    kernel: Kernel,
    params: ParamValues,
    buffers: readonly BufferBinding[],
    grid: readonly [number, number, number],
    label: string,
  ): void {
    if (this.clock === 'wall')
      this.recorded.push({ kernel, params: { ...params }, buffers: [...buffers], grid: [...grid], label });
  }

  add(label: string, ms: number): void {
    const e = this.totals.get(label);
    if (e) {
      e.count++;
      e.totalMs += ms;
    } else this.totals.set(label, { name: label, count: 1, totalMs: ms });
  }

  /** Releases the query set and buffers without reading them (the profiled work failed). */
  dispose(): void {
    for (const { buffer } of this.chunks) buffer.destroy();
    this.chunks.length = 0;
    this.querySet?.destroy();
    this.resolveBuffer?.destroy();
  }

  /** Reads the resolved timestamps (all submitted by now) and aggregates them by label. */
  async collect(wallMs: number, dispatches: number, syncMs: number): Promise<Profile> {
    for (const { buffer, labels } of this.chunks) {
      await politely(() => buffer.mapAsync(MAP_READ));
      const t = new BigInt64Array(buffer.getMappedRange());
      // a driver may report a pass's end before its start (clock domains): clamp at zero
      labels.forEach((label, i) => {
        const [begin = 0n, end = 0n] = t.subarray(2 * i, 2 * i + 2);
        this.add(label, Math.max(0, Number(end - begin) / 1e6));
      });
      buffer.unmap();
      buffer.destroy();
    }
    this.chunks.length = 0;
    this.querySet?.destroy();
    this.resolveBuffer?.destroy();
    const kernels = [...this.totals.values()].sort((a, b) => b.totalMs - a.totalMs);
    const kernelMs = kernels.reduce((s, k) => s + k.totalMs, 0);
    return { clock: this.clock, kernels, dispatches, kernelMs, wallMs, syncMs };
  }
}

/**
 * A markdown table of a profile of `steps` repetitions of some work (training steps) that takes
 * `stepMs` each when not profiled: per kernel, launches and ms per step and the share of the
 * step; then all kernels together, and the rest of the step — JS recording the ops, launch
 * and pass overhead between kernels, submits and the readback — which no kernel accounts for.
 */
export function formatProfile(p: Profile, opts: { steps: number; stepMs: number; top?: number }): string {
  const { steps, stepMs } = opts;
  const top = opts.top ?? 20;
  const fmt = (ms: number): string => (ms / steps).toFixed(ms / steps >= 10 ? 1 : 2);
  const share = (ms: number): string => `${((100 * ms) / steps / stepMs).toFixed(1)} %`;
  const lines = ['| kernel | launches/step | ms/step | share of step |', '|---|---|---|---|'];
  for (const k of p.kernels.slice(0, top))
    lines.push(`| ${k.name} | ${+(k.count / steps).toFixed(2)} | ${fmt(k.totalMs)} | ${share(k.totalMs)} |`);
  const others = p.kernels.slice(top);
  if (others.length) {
    const ms = others.reduce((s, k) => s + k.totalMs, 0);
    const n = others.reduce((s, k) => s + k.count, 0);
    lines.push(`| (${others.length} more kernels) | ${+(n / steps).toFixed(2)} | ${fmt(ms)} | ${share(ms)} |`);
  }
  lines.push(`| **all kernels** | ${+(p.dispatches / steps).toFixed(2)} | ${fmt(p.kernelMs)} | ${share(p.kernelMs)} |`);
  const rest = stepMs - p.kernelMs / steps;
  lines.push(
    `| **rest: JS, launches, sync, readback** | | ${rest.toFixed(2)} | ${((100 * rest) / stepMs).toFixed(1)} % |`,
  );
  lines.push(`| **step (unprofiled median)** | | ${stepMs.toFixed(2)} | 100 % |`);
  return lines.join('\n');
}

/** Adds up profiles (of the same kind of work): counts, times and dispatches per label. */
export function mergeProfiles(ps: readonly Profile[]): Profile {
  const byName = new Map<string, KernelTime>();
  const sum = (f: (p: Profile) => number): number => ps.reduce((s, p) => s + f(p), 0);
  for (const p of ps) {
    for (const k of p.kernels) {
      const e = byName.get(k.name) ?? { name: k.name, count: 0, totalMs: 0 };
      e.count += k.count;
      e.totalMs += k.totalMs;
      byName.set(k.name, e);
    }
  }
  return {
    clock: ps[0]?.clock ?? 'timestamp',
    kernels: [...byName.values()].sort((a, b) => b.totalMs - a.totalMs),
    dispatches: sum((p) => p.dispatches),
    kernelMs: sum((p) => p.kernelMs),
    wallMs: sum((p) => p.wallMs),
    syncMs: ps.length ? sum((p) => p.syncMs) / ps.length : 0,
  };
}

export interface StepProfile {
  /** All profiled steps together. */
  profile: Profile;
  steps: number;
  /** Wall ms of the unprofiled steps run between the profiled ones. */
  stepMs: number[];
}

/**
 * Profiles `steps` repetitions of `step` (e.g. a training step that reads its loss), each right
 * after one unprofiled repetition whose wall time is kept: kernel times and the unprofiled step
 * time come from the same moments, so drift on a busy machine does not skew their difference.
 */
export async function profileSteps(
  backend: { profile(fn: () => Promise<void>): Promise<Profile> },
  step: () => Promise<unknown>,
  steps: number,
): Promise<StepProfile> {
  const profiles: Profile[] = [];
  const stepMs: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    await step();
    stepMs.push(performance.now() - t0);
    profiles.push(
      await backend.profile(async () => {
        await step();
      }),
    );
  }
  return { profile: mergeProfiles(profiles), steps, stepMs };
}
