// Panel 1: the model and training form, the Train / Pause / Step / Reset buttons, and the URL.
// β and the KL warm-up act live; the other fields describe the next model and apply on Reset
// (or on Train, before the first step). Every applied config is written to the URL.
import { configProblems, configToQuery, defaultConfig, sameRun, type LabConfig } from '../config.js';
import { byId } from './dom.js';
import type { Lab } from './lab.js';

type Field = Exclude<keyof LabConfig, 'backend'>;
const FIELDS: Field[] = [
  'model',
  'latent',
  'hidden',
  'batch',
  'lr',
  'likelihood',
  'prior',
  'binarize',
  'seed',
  'limit',
  'beta',
  'warmup',
];

function input(form: HTMLFormElement, name: Field): HTMLInputElement | HTMLSelectElement {
  const e = form.elements.namedItem(name);
  if (!(e instanceof HTMLInputElement || e instanceof HTMLSelectElement)) throw new Error(`lab page: no field ${name}`);
  return e;
}

/** The form's values as a config (numbers may be NaN: configProblems names them). */
export function readForm(form: HTMLFormElement, backend: LabConfig['backend']): LabConfig {
  const v = (name: Field) => input(form, name).value;
  const n = (name: Field) => (v(name).trim() === '' ? Number.NaN : Number(v(name)));
  return {
    model: v('model') as LabConfig['model'],
    latent: n('latent'),
    hidden: v('hidden')
      .split(',')
      .map((s) => (s.trim() === '' ? Number.NaN : Number(s))),
    batch: n('batch'),
    lr: n('lr'),
    beta: n('beta'),
    warmup: n('warmup'),
    likelihood: v('likelihood') as LabConfig['likelihood'],
    prior: v('model') === 'cvae' ? (v('prior') as LabConfig['prior']) : 'standard',
    binarize: v('binarize') as LabConfig['binarize'],
    seed: n('seed'),
    limit: n('limit'),
    backend,
  };
}

export function writeForm(form: HTMLFormElement, c: LabConfig): void {
  const text: Record<Field, string> = {
    model: c.model,
    latent: String(c.latent),
    hidden: c.hidden.join(','),
    batch: String(c.batch),
    lr: String(c.lr),
    likelihood: c.likelihood,
    prior: c.prior,
    binarize: c.binarize,
    seed: String(c.seed),
    limit: String(c.limit),
    beta: String(c.beta),
    warmup: String(c.warmup),
  };
  for (const f of FIELDS) input(form, f).value = text[f];
  byId('beta-value').textContent = String(c.beta);
}

export function setupControls(lab: Lab, initial: LabConfig): { apply: (c: LabConfig) => Promise<boolean> } {
  const form = byId('config-form', HTMLFormElement);
  const message = byId('config-message');
  const train = byId('train', HTMLButtonElement);
  const pause = byId('pause', HTMLButtonElement);
  const step = byId('step', HTMLButtonElement);
  const reset = byId('reset', HTMLButtonElement);
  writeForm(form, initial);

  const showProblems = (problems: string[]) => {
    message.className = 'message';
    message.textContent = problems.join('\n');
  };
  const current = () => readForm(form, lab.config?.backend ?? initial.backend);

  /** Marks the fields that differ from the running model and says that Reset applies them. */
  const markChanges = () => {
    const running = lab.config;
    const c = current();
    const changed = running ? !sameRun(c, running) : false;
    for (const f of FIELDS) {
      const e = input(form, f);
      const differs = running && f !== 'beta' && f !== 'warmup' && String(e.value) !== String(formValue(running, f));
      e.classList.toggle('changed', Boolean(differs));
    }
    input(form, 'prior').disabled = c.model !== 'cvae';
    reset.classList.toggle('pending', changed);
    reset.textContent = changed ? 'Reset (apply changes)' : 'Reset';
  };

  const updateUrl = (c: LabConfig) => {
    history.replaceState(null, '', `${location.pathname}?${configToQuery(c)}`);
  };

  /** Builds a new model from a config; false (with the problems shown) when it is invalid. */
  const apply = async (c: LabConfig): Promise<boolean> => {
    const hidden = input(form, 'hidden').value;
    const problems = /^\s*\d+(\s*,\s*\d+){0,2}\s*$/.test(hidden)
      ? configProblems(c)
      : [`hidden layers: one to three sizes separated by commas (e.g. 400 or 512,256), got '${hidden}'`];
    if (problems.length) {
      showProblems(problems);
      return false;
    }
    showProblems([]);
    try {
      await lab.client.call({ kind: 'reset', config: c });
    } catch (e) {
      showProblems([(e as Error).message]);
      return false;
    }
    return true;
  };

  const refresh = () => {
    const ready = lab.state !== 'loading' && lab.state !== 'error' && lab.model !== null;
    const training = lab.state === 'training';
    train.disabled = !ready || training;
    pause.disabled = !ready || !training;
    step.disabled = !ready || training;
    reset.disabled = !ready;
  };
  lab.on('status', refresh);
  lab.on('model', (m) => {
    lab.config = m.config;
    writeForm(form, m.config);
    updateUrl(m.config);
    markChanges();
    refresh();
  });

  form.addEventListener('input', (ev) => {
    const target = ev.target as HTMLInputElement;
    if (target.name === 'beta' || target.name === 'warmup') {
      const c = current();
      byId('beta-value').textContent = String(c.beta);
      const live = configProblems(c).filter((p) => /beta|warm-up/.test(p));
      if (live.length) return showProblems(live);
      showProblems([]);
      if (lab.config) {
        lab.config = { ...lab.config, beta: c.beta, warmup: c.warmup };
        updateUrl(lab.config);
      }
      void lab.client.call({ kind: 'live', beta: c.beta, warmup: c.warmup }).catch((e) => showProblems([e.message]));
      return;
    }
    if (target.name === 'model') {
      // the latent size and prior follow the model's defaults unless the user changed them
      const to = target.value === 'cvae' ? 'cvae' : 'vae';
      const [next, previous] = [defaultConfig(to), defaultConfig(to === 'vae' ? 'cvae' : 'vae')];
      const latent = input(form, 'latent');
      if (latent.value === String(previous.latent)) latent.value = String(next.latent);
      if (to === 'cvae') input(form, 'prior').value = next.prior;
    }
    markChanges();
  });
  form.addEventListener('submit', (ev) => ev.preventDefault());

  train.onclick = async () => {
    const c = current();
    // settings changed before the first step: build that model first
    if (lab.config && !sameRun(c, lab.config) && lab.step === 0) {
      if (!(await apply(c))) return;
    } else if (lab.config && !sameRun(c, lab.config)) {
      message.className = 'message';
      message.textContent = 'The changed settings (marked) apply on Reset; training continues the current model.';
    }
    train.disabled = true;
    await lab.client.call({ kind: 'train' }).catch((e) => lab.report(e));
  };
  pause.onclick = async () => {
    const t0 = performance.now();
    pause.disabled = true;
    // the page answers at once; the worker stops after the step in flight
    lab.pausing = true;
    lab.emit('status', null);
    await lab.client.call({ kind: 'pause' }).catch((e) => lab.report(e));
    lab.pausing = false;
    lab.hook.pauseMs = performance.now() - t0;
    lab.emit('status', null);
  };
  step.onclick = async () => {
    step.disabled = true;
    await lab.client.call({ kind: 'step', count: 1 }).catch((e) => lab.report(e));
  };
  reset.onclick = async () => {
    reset.disabled = true;
    await apply(current());
    refresh();
  };
  refresh();
  return { apply };
}

function formValue(c: LabConfig, f: Field): string {
  return f === 'hidden' ? c.hidden.join(',') : String(c[f]);
}
