// The lab's training worker. It owns the engine (WebGPU through navigator.gpu, which workers
// have, or the CPU backend), the data, the model and the training loop, so the page never
// freezes. The loop records a few steps, reads their terms back, posts them, and yields to the
// message queue after every read: pause, beta changes and drawing requests get in between steps.
import {
  concat,
  decodeCheckpoint,
  encodeCheckpoint,
  indexedDBTuningStore,
  kernelCounters,
  kernelsInUse,
  manualSeed,
  memoryStats,
  type MemoryStats,
  profileKernels,
  releaseBackends,
  simulateDeviceLoss,
  tuneMatmulsFor,
  useBackend,
  webgpuAdapter,
  webgpuDeviceLost,
  type Tensor,
} from '../../../src/index.js';
import { configFromSaved, configProblems, LATENT_RANGE, trainConfig, type LabConfig } from '../config.js';
import type {
  BackendReport,
  EngineReport,
  Event,
  FromWorker,
  ModelSummary,
  Replies,
  Request,
  RunState,
  StepPoint,
  ToWorker,
} from '../protocol.js';
import { loadMnist, toSplit, type MnistData } from './data.js';
import { Session } from './session.js';
import { restoreSnapshot, takeSnapshot, type Snapshot } from './snapshot.js';
import { Views } from './views.js';

interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((ev: MessageEvent<ToWorker>) => void) | null;
  navigator: { gpu?: GPU };
}
const scope = self as unknown as WorkerScope;

// timings of the loop, in ms
const FLUSH_EVERY = 100;
const PICTURES_EVERY = 1500;
const SNAPSHOT_EVERY = 5000;
const PROFILE_FIRST_AT = 10;
const PROFILE_EVERY = 500;
/** Steps in flight: enough to keep a fast GPU busy, few enough that pause stays quick. */
const IN_FLIGHT_MS = 40;
const MAX_IN_FLIGHT = 16;

let data: MnistData | null = null;
let session: Session | null = null;
let views: Views | null = null;
let backend: BackendReport | null = null;
let state: RunState = 'loading';
let running = false;
let stepsToRun = 0;
let loop: Promise<void> | null = null;
let snapshot: Snapshot | null = null;
let loadedFrom: string | undefined;

// the engine panel's numbers, measured around single training steps
let launchesPerStep: number | null = null;
let submitsPerStep: number | null = null;
let kernelLaunchesPerStep = new Map<number, number>();
let lastProfile: EngineReport['profile'] = null;
let profileRequested = false;
let tuning: EngineReport['tuning'] = null;

/**
 * The engine serves one user at a time: the training loop's chunks and the panels' requests
 * (pictures, the latent map, a drawing) take turns instead of interleaving at their awaits. So a
 * step's time is the step's own, and memory counted between turns holds only the session's
 * tensors (the model, its gradients, Adam's moments), which must stay flat while training.
 */
let engineQueue: Promise<unknown> = Promise.resolve();
function exclusive<T>(fn: () => Promise<T>): Promise<T> {
  const result = engineQueue.then(fn);
  engineQueue = result.catch(() => undefined);
  return result;
}

function emit(event: Event, transfer: Transferable[] = []): void {
  scope.postMessage({ id: -1, event }, transfer);
}

function notice(level: 'info' | 'warn' | 'error', text: string): void {
  emit({ kind: 'notice', level, text });
}

function need(): { s: Session; v: Views } {
  if (!session || !views) throw new Error('the model is not ready yet (the data is still loading)');
  return { s: session, v: views };
}

function setState(next: RunState): void {
  state = next;
  const s = session;
  emit({
    kind: 'status',
    state,
    step: s?.step ?? 0,
    epoch: s?.epoch ?? 1,
    stepsPerEpoch: s?.stepsPerEpoch ?? 0,
  });
}

function summary(s: Session): ModelSummary {
  const c = s.model.config;
  const kind = s.conditional ? 'CVAE' : 'VAE';
  return {
    config: s.config,
    parameters: s.model.parameterCount(),
    description:
      `${kind} ${c.inputDim}-${c.hidden.join('-')}-${c.latent}` +
      `${s.conditional ? ` (+ one-hot y, ${c.prior ?? 'standard'} prior)` : ''}, ${c.likelihood} decoder`,
    ...(loadedFrom ? { loadedFrom } : {}),
  };
}

// ---- backend --------------------------------------------------------------------------------

async function chooseBackend(wish: LabConfig['backend']): Promise<BackendReport> {
  const cpu = async (fallbackReason: string): Promise<BackendReport> => {
    const info = await useBackend('cpu');
    return { name: 'cpu', description: info.description, adapter: null, fallbackReason };
  };
  if (wish === 'cpu') return cpu('the URL asks for backend=cpu');
  if (!scope.navigator.gpu) return cpu('this browser offers no WebGPU (navigator.gpu is missing)');
  try {
    const info = await useBackend('auto');
    if (info.name === 'cpu')
      return cpu(
        'navigator.gpu gave no adapter: WebGPU is disabled or blocklisted here ' +
          '(Chromium headless needs --enable-unsafe-webgpu)',
      );
    return { name: 'webgpu', description: info.description, adapter: webgpuAdapter(), fallbackReason: null };
  } catch (e) {
    return cpu(`WebGPU failed to start (${(e as Error).message})`);
  }
}

// ---- sessions -------------------------------------------------------------------------------

async function snapshotNow(): Promise<void> {
  const s = need().s;
  snapshot = await takeSnapshot(s.model, s.optimizer, trainConfig(s.config, s.epoch), s.step);
}

async function startSession(config: LabConfig, model?: Session['model']): Promise<ModelSummary> {
  if (!data) throw new Error('the data is not loaded yet');
  // the seed decides everything random in the run, as in vae train: the initial weights, the
  // batches' order and every step's noise (the panels draw on streams of their own)
  manualSeed(config.seed);
  const fresh = new Session(config, toSplit(data.train, config.limit), toSplit(data.test), model);
  session?.dispose();
  session = fresh;
  views = new Views(fresh);
  await tuneMatmuls(fresh);
  launchesPerStep = submitsPerStep = null;
  kernelLaunchesPerStep = new Map();
  lastProfile = null;
  await snapshotNow();
  const s = summary(fresh);
  emit({ kind: 'model', model: s });
  setState('idle');
  await sendPictures();
  return s;
}

/**
 * On WebGPU, the matmul configuration of each training product comes from this adapter's tuning
 * table in IndexedDB; shapes it lacks are timed now, once per browser and adapter (the results
 * are the same either way: only speed depends on it).
 */
async function tuneMatmuls(s: Session): Promise<void> {
  tuning = null;
  try {
    const r = await tuneMatmulsFor(s.model.config, s.config.batch, indexedDBTuningStore);
    if (r) tuning = { where: r.where, shapes: r.shapes, timedNow: r.timed.length };
  } catch (e) {
    notice('warn', `Matmul tuning failed (${(e as Error).message}); training runs the default kernels.`);
  }
}

async function sendPictures(): Promise<void> {
  const p = await need().v.pictures();
  emit({ kind: 'pictures', pictures: p }, [p.samples.buffer, p.originals.buffer, p.recons.buffer]);
}

// ---- the training loop ----------------------------------------------------------------------

/** Lets queued messages (pause, beta, drawing) run: a macrotask without setTimeout's clamping. */
function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(0);
  });
}

interface Recorded {
  terms: Tensor;
  klWeight: number;
  epoch: number;
  step: number;
  epochEnded: boolean;
}

/** Records up to n steps (stopping at an epoch's end), reads their terms back and turns them into points. */
async function recordAndRead(s: Session, n: number, measureKernels: boolean): Promise<StepPoint[]> {
  const t0 = performance.now();
  const c0 = kernelCounters();
  const recorded: Recorded[] = [];
  while (recorded.length < n) {
    let before: number[] | null = null;
    if (measureKernels && recorded.length === 0) before = kernelsInUse().map((k) => k.launches);
    const k0 = kernelCounters()?.launches;
    const r = s.recordStep();
    const k1 = kernelCounters()?.launches;
    if (k0 !== undefined && k1 !== undefined) launchesPerStep = k1 - k0;
    if (before) {
      const after = kernelsInUse();
      kernelLaunchesPerStep = new Map();
      after.forEach((k, i) => {
        const d = k.launches - (before![i] ?? 0);
        if (d > 0) kernelLaunchesPerStep.set(i, d);
      });
    }
    recorded.push({ ...r, step: s.step });
    if (stepsToRun > 0) stepsToRun--;
    if (r.epochEnded || !(running || stepsToRun > 0)) break;
  }
  const all = concat(
    recorded.map((r) => r.terms),
    0,
  );
  let values: Float32Array;
  try {
    values = Float32Array.from(await all.data());
  } finally {
    all.dispose();
    for (const r of recorded) r.terms.dispose();
  }
  const c1 = kernelCounters();
  if (c0 && c1) submitsPerStep = (c1.submits - c0.submits) / recorded.length;
  const ms = (performance.now() - t0) / recorded.length;
  return recorded.map((r, i) => {
    const [loss, recon, kl] = [values[3 * i]!, values[3 * i + 1]!, values[3 * i + 2]!];
    if (!Number.isFinite(loss))
      throw new DivergedError(
        `training diverged: the loss became ${loss} at step ${r.step} (recon ${recon}, KL ${kl})`,
      );
    return { step: r.step, epoch: r.epoch, loss, recon, kl, klWeight: r.klWeight, ms, epochEnded: r.epochEnded };
  });
}

class DivergedError extends Error {}

/** An epoch that ended as training stopped: evaluated after the pause has answered. */
let pendingEval: { epoch: number; step: number } | null = null;

async function epochEval(epoch: number, step: number): Promise<void> {
  const r = await need().v.evaluate(false, need().s.config.seed);
  emit({ kind: 'epochEval', epoch, step, terms: r.terms, images: r.images });
}

/** After the loop stops: the evaluation of an epoch that ended just then, and fresh pictures. */
async function afterStop(): Promise<void> {
  if (!session) return;
  const due = pendingEval;
  pendingEval = null;
  try {
    await exclusive(async () => {
      if (due) await epochEval(due.epoch, due.step);
      await sendPictures();
    });
  } catch (e) {
    notice('error', (e as Error).message);
  }
}

async function runLoop(): Promise<void> {
  const { s } = need();
  setState('training');
  let outbox: StepPoint[] = [];
  let lastFlush = 0;
  let lastPictures = performance.now();
  let lastSnapshot = performance.now();
  let msPerStep = 0;
  let nextProfile = s.step + PROFILE_FIRST_AT;
  let nextKernelCount = s.step;
  let memory: MemoryStats = memoryStats();
  const flush = () => {
    if (!outbox.length) return;
    emit({ kind: 'steps', points: outbox, memory, launchesPerStep });
    outbox = [];
    lastFlush = performance.now();
  };
  while (running || stepsToRun > 0) {
    const onGpu = backend?.name === 'webgpu';
    const timestamps = backend?.adapter?.features.includes('timestamp-query') ?? false;
    const profileNow = onGpu && timestamps && (profileRequested || s.step >= nextProfile);
    const points = await exclusive(async () => {
      let got: StepPoint[];
      if (profileNow) {
        let timed: StepPoint[] = [];
        const p = await profileKernels(async () => {
          timed = await recordAndRead(s, 1, true);
        });
        got = timed.map((pt) => ({ ...pt, ms: msPerStep || pt.ms })); // a profiled step runs slower: not charted
        if (p) lastProfile = { step: s.step, kernelMs: p.kernelMs, kernels: p.kernels };
        nextProfile = s.step + PROFILE_EVERY;
        profileRequested = false;
      } else {
        const inFlight = onGpu
          ? Math.max(1, Math.min(MAX_IN_FLIGHT, Math.floor(IN_FLIGHT_MS / (msPerStep || 1e9))))
          : 1;
        const measure = s.step >= nextKernelCount;
        got = await recordAndRead(s, inFlight, measure);
        if (measure) nextKernelCount = s.step + 50;
        msPerStep = got[0]?.ms ?? msPerStep;
      }
      memory = memoryStats();
      return got;
    });
    outbox.push(...points);
    const stopping = !(running || stepsToRun > 0);
    const last = points[points.length - 1];
    if (last?.epochEnded) {
      flush();
      // when stopping, the pause answers first and the evaluation follows
      if (stopping) pendingEval = { epoch: last.epoch, step: last.step };
      else await exclusive(() => epochEval(last.epoch, last.step));
    }
    if (stopping) break;
    const now = performance.now();
    if (now - lastFlush >= FLUSH_EVERY) flush();
    if (now - lastPictures >= PICTURES_EVERY) {
      await exclusive(sendPictures);
      lastPictures = performance.now();
    }
    if (onGpu && now - lastSnapshot >= SNAPSHOT_EVERY) {
      await exclusive(snapshotNow);
      lastSnapshot = performance.now();
    }
    await yieldToMessages();
  }
  flush();
}

/** Runs the loop until it stops (pause, the steps asked for, or a failure it cannot mend). */
function startLoop(): Promise<void> {
  loop ??= (async () => {
    try {
      for (;;) {
        try {
          await runLoop();
          break;
        } catch (e) {
          if (!(await mend(e))) {
            running = false;
            stepsToRun = 0;
            notice('error', (e as Error).message);
            break;
          }
        }
      }
    } finally {
      loop = null;
      if (session) {
        setState('idle');
        void afterStop();
      }
    }
  })();
  return loop;
}

/** Waits a little for a device loss to be reported (the device's lost promise settles asynchronously). */
async function lostReason(): Promise<string | null> {
  for (let i = 0; i < 20; i++) {
    const r = webgpuDeviceLost();
    if (r) return r;
    if (backend?.name !== 'webgpu') return null;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return null;
}

/**
 * A failed step: a lost GPU device (new device, the last snapshot's parameters, training goes on)
 * or a diverged loss (the last snapshot back, training paused). Returns true to keep training.
 */
function mend(e: unknown): Promise<boolean> {
  return exclusive(() => mendNow(e));
}

async function mendNow(e: unknown): Promise<boolean> {
  const s = session;
  if (!s || !snapshot) return false;
  const lost = e instanceof DivergedError ? null : await lostReason();
  if (!lost && !(e instanceof DivergedError)) return false;
  const snap = snapshot;
  if (lost) {
    notice('warn', `${lost}. Recovering on a new device from the parameters read back at step ${snap.step}…`);
    releaseBackends();
    backend = await chooseBackend(s.config.backend);
    emit({ kind: 'backend', backend });
  }
  const { model, optimizer } = restoreSnapshot(snap, s.config.lr);
  s.dispose();
  s.replaceModel(model, optimizer);
  if (lost) await tuneMatmuls(s); // the new device's backend starts with no tuning: read it back
  if (lost) {
    notice(
      'info',
      `Recovered: training continues on ${backend?.description ?? 'a new device'} ` +
        `from the parameters of step ${snap.step} ` +
        `(the updates of steps ${snap.step + 1}–${s.step} were lost with the device; the charts keep everything).`,
    );
    return running || stepsToRun > 0;
  }
  running = false;
  stepsToRun = 0;
  notice(
    'error',
    `${(e as Error).message}. The parameters of step ${snap.step} are back; lower the ` +
      `learning rate or add a KL warm-up, or Reset.`,
  );
  return false;
}

async function stopLoop(): Promise<void> {
  running = false;
  stepsToRun = 0;
  await loop;
}

// ---- the engine panel -----------------------------------------------------------------------

function engineReport(): EngineReport {
  const counters = kernelCounters();
  const list = kernelsInUse();
  const kernels = [...kernelLaunchesPerStep.entries()]
    .map(([id, n]) => ({ id, name: list[id]?.name ?? '?', launchesPerStep: n }))
    .sort((a, b) => b.launchesPerStep - a.launchesPerStep || a.name.localeCompare(b.name));
  return {
    memory: memoryStats(),
    launchesPerStep,
    submitsPerStep,
    pipelines: counters?.pipelines ?? null,
    kernels,
    profile: lastProfile,
    timestamps: backend?.adapter?.features.includes('timestamp-query') ?? false,
    tuning,
  };
}

// ---- requests -------------------------------------------------------------------------------

type Handlers = { [K in Request['kind']]: (req: Extract<Request, { kind: K }>) => Promise<Replies[K]> };

const handlers: Handlers = {
  async init(req) {
    data = await loadMnist(req.dataUrl);
    backend = await chooseBackend(req.config.backend);
    emit({ kind: 'backend', backend });
    const model = await startSession(req.config);
    return { model, backend, data: { train: data.train.count, test: data.test.count } };
  },
  async reset(req) {
    const problems = configProblems(req.config);
    if (problems.length) throw new Error(problems.join('; '));
    await stopLoop();
    if (req.config.backend !== session?.config.backend) {
      releaseBackends();
      backend = await chooseBackend(req.config.backend);
      emit({ kind: 'backend', backend });
    }
    loadedFrom = undefined;
    return exclusive(() => startSession(req.config));
  },
  async train() {
    need();
    running = true;
    void startLoop();
    return null;
  },
  async pause() {
    await stopLoop();
    return { step: session?.step ?? 0 };
  },
  async step(req) {
    if (running) throw new Error('pause first: Step runs single steps of a paused model');
    stepsToRun = Math.max(1, Math.min(1000, Math.floor(req.count)));
    await startLoop();
    return { step: session?.step ?? 0 };
  },
  async live(req) {
    const { s } = need();
    const trial = { ...s.config, beta: req.beta, warmup: req.warmup };
    const problems = configProblems(trial).filter((p) => /beta|warm-up/.test(p));
    if (problems.length) throw new Error(problems.join('; '));
    s.beta = req.beta;
    s.warmup = req.warmup;
    return null;
  },
  async evaluate(req) {
    return need().v.evaluate(req.full, req.seed);
  },
  async pictures() {
    return need().v.pictures();
  },
  async latentMap(req) {
    return need().v.latentMap(req.label, req.side);
  },
  async decode(req) {
    return need().v.decode(req.z, req.label);
  },
  async draw(req) {
    return need().v.draw(req.pixels, req.label);
  },
  async cvaeRow(req) {
    return need().v.cvaeRow(req.digit);
  },
  async restyle(req) {
    const source = req.pixels ? { pixels: req.pixels } : { testIndex: req.testIndex ?? 0 };
    return need().v.restyle(source, req.label);
  },
  async save() {
    const { s } = need();
    return encodeCheckpoint(s.model, { train: trainConfig(s.config, Math.max(1, s.epochsDone)) });
  },
  async load(req) {
    const { s } = need();
    // decode first: a bad file throws here and the running session is untouched
    const { model, saved } = await exclusive(async () => decodeCheckpoint({ config: req.config, model: req.model }));
    const c = model.config;
    const why =
      c.inputDim !== 784
        ? `it was trained on images of ${c.inputDim} pixels; the lab's MNIST has 784`
        : c.latent < LATENT_RANGE.min || c.latent > LATENT_RANGE.max
          ? `its latent size ${c.latent} is outside the lab's ${LATENT_RANGE.min} to ${LATENT_RANGE.max}`
          : c.classes !== undefined && c.classes !== 0 && c.classes !== 10
            ? `it is conditioned on ${c.classes} classes; MNIST has 10`
            : null;
    if (why) {
      model.dispose();
      throw new Error(`${req.name}: cannot use this checkpoint here: ${why}`);
    }
    await stopLoop();
    loadedFrom = req.name;
    const config = { ...configFromSaved(c, saved.train, s.config.limit), backend: s.config.backend };
    return exclusive(() => startSession(config, model));
  },
  async engine() {
    return engineReport();
  },
  async kernelSource(req) {
    const k = kernelsInUse()[req.id];
    if (!k) throw new Error(`no kernel #${req.id} (the engine restarted?)`);
    return { name: k.name, source: k.source };
  },
  async profile() {
    if (backend?.name !== 'webgpu') throw new Error('kernel times need the WebGPU backend');
    if (!backend.adapter?.features.includes('timestamp-query'))
      throw new Error("this adapter has no 'timestamp-query': kernel times are not available");
    need();
    profileRequested = true;
    if (!running) {
      stepsToRun = 1;
      await startLoop();
    } else while (profileRequested && running) await new Promise((r) => setTimeout(r, 20));
    return lastProfile;
  },
  async loseDevice() {
    if (backend?.name !== 'webgpu') throw new Error('there is no GPU device to lose: the page runs on the CPU backend');
    simulateDeviceLoss();
    return null;
  },
};

/** Typed arrays in a reply travel without a copy. */
function transferables(value: unknown): Transferable[] {
  const out: Transferable[] = [];
  const visit = (v: unknown, depth: number) => {
    if (depth > 3 || v === null || typeof v !== 'object') return;
    if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer && !out.includes(v.buffer)) out.push(v.buffer);
      return;
    }
    for (const x of Object.values(v)) visit(x, depth + 1);
  };
  visit(value, 0);
  return out;
}

/** Requests that use the engine and so take their turn with the training loop (see `exclusive`). */
const TAKES_TURNS = new Set<Request['kind']>([
  'init',
  'evaluate',
  'pictures',
  'latentMap',
  'decode',
  'draw',
  'cvaeRow',
  'restyle',
  'save',
  'engine',
]);

scope.onmessage = (ev) => {
  const { id, request } = ev.data;
  const handler = handlers[request.kind] as (r: Request) => Promise<unknown>;
  const answer = TAKES_TURNS.has(request.kind) ? exclusive(() => handler(request)) : handler(request);
  answer.then(
    (result) => scope.postMessage({ id, ok: true, result }, transferables(result)),
    async (e: unknown) => {
      if (request.kind === 'init') setState('error');
      const message = e instanceof Error ? e.message : String(e);
      // the device went away under this request: recover (the loop does too, if it runs) and say so
      if (TAKES_TURNS.has(request.kind) && request.kind !== 'init' && (await lostReason())) {
        scope.postMessage({ id, ok: false, error: `${request.kind}: ${message}`, deviceLost: true });
        await mend(e);
        return;
      }
      scope.postMessage({ id, ok: false, error: message });
    },
  );
};
