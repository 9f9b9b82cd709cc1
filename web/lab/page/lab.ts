// The page's shared state: the worker client, what the worker last said (run state, model,
// backend), a small event bus the panels listen on, the banners, and `window.__lab`, a plain
// record of what happened that the browser tests read.
import type { MemoryStats, Terms } from '../../../src/index.js';
import type { LabConfig } from '../config.js';
import type {
  BackendReport,
  DrawResult,
  EvalResult,
  Event,
  LatentMap,
  ModelSummary,
  Pictures,
  RunState,
  StepPoint,
} from '../protocol.js';
import { DeviceLostError, LabClient } from './client.js';
import { byId, el } from './dom.js';

/** What the tests (and a curious reader in the console) can see of the page. */
export interface LabHook {
  ready: boolean;
  state: RunState;
  step: number;
  epoch: number;
  backend: BackendReport | null;
  model: ModelSummary | null;
  points: StepPoint[];
  epochEvals: { epoch: number; step: number; terms: Terms }[];
  memory: { step: number; tensors: number; buffers: number; bytes: number }[];
  notices: { level: string; text: string }[];
  errors: string[];
  lastEval: EvalResult | null;
  lastDraw: DrawResult | null;
  picturesDrawn: number;
  latentDrawn: number;
  /** ms from pressing Pause to the worker's "stopped". */
  pauseMs: number | null;
}

declare global {
  interface Window {
    __lab?: LabHook;
  }
}

export interface LabEvents {
  status: null;
  model: ModelSummary;
  backend: BackendReport;
  steps: { points: StepPoint[]; memory: MemoryStats; launchesPerStep: number | null };
  epochEval: { epoch: number; step: number; terms: Terms; images: number };
  pictures: Pictures;
  drawn: DrawResult | null;
  latent: LatentMap;
  /** The page reset its charts (a new model). */
  cleared: null;
}

type Listener<K extends keyof LabEvents> = (payload: LabEvents[K]) => void;

export class Lab {
  readonly client: LabClient;
  readonly hook: LabHook = {
    ready: false,
    state: 'loading',
    step: 0,
    epoch: 1,
    backend: null,
    model: null,
    points: [],
    epochEvals: [],
    memory: [],
    notices: [],
    errors: [],
    lastEval: null,
    lastDraw: null,
    picturesDrawn: 0,
    latentDrawn: 0,
    pauseMs: null,
  };
  config: LabConfig | null = null;
  model: ModelSummary | null = null;
  backend: BackendReport | null = null;
  state: RunState = 'loading';
  step = 0;
  epoch = 1;
  stepsPerEpoch = 0;
  /** Pause was pressed and the worker has not stopped yet (it finishes the step in flight). */
  pausing = false;
  /** The digit drawn in panel 6 (for the CVAE's restyle), or null. */
  drawing: { pixels: Float32Array; label: number } | null = null;
  private readonly listeners = new Map<keyof LabEvents, Set<Listener<never>>>();

  constructor(worker: Worker) {
    window.__lab = this.hook;
    this.client = new LabClient(
      worker,
      (e) => this.onWorkerEvent(e),
      (message) => this.notify('error', message),
    );
  }

  on<K extends keyof LabEvents>(kind: K, fn: Listener<K>): void {
    let set = this.listeners.get(kind);
    if (!set) this.listeners.set(kind, (set = new Set()));
    set.add(fn as Listener<never>);
  }

  emit<K extends keyof LabEvents>(kind: K, payload: LabEvents[K]): void {
    for (const fn of this.listeners.get(kind) ?? []) {
      try {
        (fn as Listener<K>)(payload);
      } catch (e) {
        this.report(e);
      }
    }
  }

  get conditional(): boolean {
    return this.model?.config.model === 'cvae';
  }

  /** A banner at the top of the page (info and warnings stay until closed; errors too). */
  notify(level: 'info' | 'warn' | 'error', text: string): void {
    this.hook.notices.push({ level, text });
    const close = el('button', { textContent: '×', title: 'close' });
    const banner = el('div', { className: `banner ${level}` }, [close, text]);
    close.onclick = () => banner.remove();
    byId('banners').append(banner);
    const all = byId('banners').children;
    if (all.length > 4) all[0]!.remove();
  }

  /** An unexpected failure in the page: shown, and kept for the tests. */
  report(e: unknown): void {
    if (e instanceof DeviceLostError) return; // the worker's recovery banners tell the story
    const message = e instanceof Error ? e.message : String(e);
    this.hook.errors.push(message);
    this.notify('error', message);
  }

  private onWorkerEvent(e: Event): void {
    switch (e.kind) {
      case 'status':
        this.state = e.state;
        this.step = e.step;
        this.epoch = e.epoch;
        this.stepsPerEpoch = e.stepsPerEpoch;
        Object.assign(this.hook, { state: e.state, step: e.step, epoch: e.epoch });
        this.emit('status', null);
        break;
      case 'steps': {
        const last = e.points[e.points.length - 1];
        if (last) {
          this.step = last.step;
          this.epoch = last.epoch;
          this.hook.step = last.step;
          this.hook.epoch = last.epoch;
          this.hook.memory.push({
            step: last.step,
            tensors: e.memory.tensors,
            buffers: e.memory.buffers,
            bytes: e.memory.bytes,
          });
        }
        this.hook.points.push(...e.points);
        this.emit('steps', e);
        this.emit('status', null);
        break;
      }
      case 'epochEval':
        this.hook.epochEvals.push({ epoch: e.epoch, step: e.step, terms: e.terms });
        this.emit('epochEval', e);
        break;
      case 'pictures':
        this.emit('pictures', e.pictures);
        break;
      case 'notice':
        this.notify(e.level, e.text);
        break;
      case 'backend':
        this.backend = e.backend;
        this.hook.backend = e.backend;
        this.emit('backend', e.backend);
        break;
      case 'model':
        // a new session (init, Reset, a loaded checkpoint): step 0, fresh charts
        this.model = e.model;
        this.hook.model = e.model;
        this.hook.points = [];
        this.hook.memory = [];
        this.hook.epochEvals = [];
        this.emit('model', e.model);
        break;
    }
  }
}
