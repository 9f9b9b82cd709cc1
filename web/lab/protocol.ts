// The messages between the page and the training worker. The page sends requests (each with an
// id, answered by one reply) and the worker pushes events (metrics, images, status, notices).
// Images travel as flat Float32Arrays of 28×28 intensities in [0, 1].
import type { AdapterSummary, KernelTime, MemoryStats, Terms } from '../../src/index.js';
import type { LabConfig } from './config.js';

/** A 2-D view of the latent space: the plane (for latent > 2, the PCA plane of the means). */
export interface LatentPlane {
  /** A point (u, v) of the plane is origin + u·axes[0] + v·axes[1] in latent space. */
  origin: number[];
  axes: [number[], number[]];
  /** The plotted square: [uMin, uMax, vMin, vMax]. */
  bounds: [number, number, number, number];
  /** true for a 2-d latent (the plane is the latent space itself). */
  exact: boolean;
}

export interface LatentMap {
  /** N×2 plane coordinates of the test images' posterior means, and their digits. */
  coords: Float32Array;
  labels: Int32Array;
  /** N×latent posterior means (for the sliders' ranges). */
  means: Float32Array;
  plane: LatentPlane;
  /** The decoded manifold: side×side images over the plane's bounds, row 0 at the top (v max). */
  manifold: Float32Array;
  side: number;
}

export interface DrawResult {
  recon: Float32Array;
  /** The posterior mean of the drawing and its place on the latent map's plane. */
  mu: Float32Array;
  point: [number, number] | null;
  /** -ELBO of the drawing and its two terms, one z sample with a fixed seed. */
  terms: Terms;
}

export interface ModelSummary {
  config: LabConfig;
  parameters: number;
  description: string;
  /** The model came from a checkpoint file (its name), not from the form. */
  loadedFrom?: string;
}

export interface BackendReport {
  name: 'cpu' | 'webgpu';
  description: string;
  adapter: AdapterSummary | null;
  /** Why the page trains on the CPU (no WebGPU, no adapter, device creation failed), or null. */
  fallbackReason: string | null;
}

export interface KernelRow {
  name: string;
  /** Index into the engine's kernel list (for asking for its WGSL). */
  id: number;
  launchesPerStep: number;
}

export interface EngineReport {
  memory: MemoryStats;
  launchesPerStep: number | null;
  submitsPerStep: number | null;
  pipelines: number | null;
  kernels: KernelRow[];
  /** The last profile: clock and when (step), or null when timestamps are unavailable. */
  profile: { step: number; kernelMs: number; kernels: KernelTime[] } | null;
  timestamps: boolean;
  /** The matmul tuning of this model's products (WebGPU only): where its table is kept, how many
   *  shapes it covers, how many were timed when this model was built (0: all from the table). */
  tuning: { where: string; shapes: number; timedNow: number } | null;
}

export interface StepPoint {
  step: number;
  epoch: number;
  loss: number;
  recon: number;
  kl: number;
  /** The KL weight used (beta, times the warm-up ramp). */
  klWeight: number;
  /** Wall ms of the step (recorded, run and read back; steps in flight together share it). */
  ms: number;
  /** The last step of its epoch. */
  epochEnded?: boolean;
}

export type RunState = 'loading' | 'idle' | 'training' | 'error';

export type Request =
  | { kind: 'init'; config: LabConfig; dataUrl: string }
  | { kind: 'reset'; config: LabConfig }
  | { kind: 'train' }
  | { kind: 'pause' }
  | { kind: 'step'; count: number }
  | { kind: 'live'; beta: number; warmup: number }
  | { kind: 'evaluate'; full: boolean; seed: number }
  | { kind: 'pictures' }
  | { kind: 'latentMap'; label: number; side: number }
  | { kind: 'decode'; z: Float32Array; label: number }
  | { kind: 'draw'; pixels: Float32Array; label: number }
  | { kind: 'cvaeRow'; digit: number }
  | { kind: 'restyle'; testIndex: number | null; pixels: Float32Array | null; label: number }
  | { kind: 'save' }
  | { kind: 'load'; config: string; model: Uint8Array; name: string }
  | { kind: 'engine' }
  | { kind: 'kernelSource'; id: number }
  | { kind: 'profile' }
  | { kind: 'loseDevice' };

export interface Pictures {
  /** Prior samples with fixed noise: rows × cols images (a CVAE's row r is digit r). */
  samples: Float32Array;
  sampleRows: number;
  sampleCols: number;
  /** Fixed test digits and their reconstructions, in the same order. */
  originals: Float32Array;
  recons: Float32Array;
  count: number;
}

export interface EvalResult {
  terms: Terms;
  images: number;
  seed: number;
  step: number;
}

/** What each request's reply carries. */
export interface Replies {
  init: { model: ModelSummary; backend: BackendReport; data: { train: number; test: number } };
  reset: ModelSummary;
  train: null;
  pause: { step: number };
  step: { step: number };
  live: null;
  evaluate: EvalResult;
  pictures: Pictures;
  latentMap: LatentMap;
  decode: Float32Array;
  draw: DrawResult;
  cvaeRow: Float32Array;
  restyle: { original: Float32Array; label: number; images: Float32Array };
  save: { config: string; model: Uint8Array };
  load: ModelSummary;
  engine: EngineReport;
  kernelSource: { name: string; source: string };
  profile: EngineReport['profile'];
  loseDevice: null;
}

export type Event =
  | { kind: 'status'; state: RunState; step: number; epoch: number; stepsPerEpoch: number }
  | { kind: 'steps'; points: StepPoint[]; memory: MemoryStats; launchesPerStep: number | null }
  | { kind: 'epochEval'; epoch: number; step: number; terms: Terms; images: number }
  | { kind: 'pictures'; pictures: Pictures }
  | { kind: 'notice'; level: 'info' | 'warn' | 'error'; text: string }
  | { kind: 'backend'; backend: BackendReport }
  | { kind: 'model'; model: ModelSummary };

export type ToWorker = { id: number; request: Request };
export type FromWorker =
  | { id: number; ok: true; result: unknown }
  /** deviceLost: the request failed because the GPU device was lost (the worker is recovering). */
  | { id: number; ok: false; error: string; deviceLost?: boolean }
  | { id: -1; event: Event };
