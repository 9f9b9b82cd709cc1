// The lab page's entry: reads the run's config from the URL, starts the training worker (which
// loads MNIST from the server and picks WebGPU or the CPU), and wires the eight panels to it.
import { configFromQuery } from '../config.js';
import { setupCheckpoints } from './checkpoints.js';
import { setupControls } from './controls.js';
import { setupCurves } from './curves.js';
import { setupCvae } from './cvae.js';
import { byId, fmt } from './dom.js';
import { setupDraw } from './draw.js';
import { setupEngine } from './engine.js';
import { Lab } from './lab.js';
import { setupLatent } from './latent.js';
import { setupPictures } from './pictures.js';

const worker = new Worker(new URL('./lab-worker.js', import.meta.url), { type: 'module', name: 'vae-lab training' });
const lab = new Lab(worker);
const { config, problems } = configFromQuery(location.search);
if (problems.length)
  lab.notify('warn', `The link's settings have problems; defaults are used for: ${problems.join('; ')}`);

setupControls(lab, config);
setupCurves(lab);
setupPictures(lab);
setupLatent(lab);
setupCvae(lab);
setupDraw(lab);
setupCheckpoints(lab);
setupEngine(lab);

const status = byId('status');
const showStatus = () => {
  const b = lab.backend;
  const where = b ? (b.name === 'webgpu' ? b.description : 'CPU backend (no WebGPU)') : 'starting…';
  const epochs = lab.stepsPerEpoch ? ` · epoch ${lab.epoch} (${lab.stepsPerEpoch} steps each)` : '';
  const state = lab.pausing && lab.state === 'training' ? 'pausing (finishing the step in flight)…' : lab.state;
  status.textContent = `${where} · ${state} · step ${lab.step}${epochs}`;
  status.dataset.state = lab.state;
  status.dataset.step = String(lab.step);
};
lab.on('status', showStatus);
lab.on('backend', (b) => {
  showStatus();
  if (b.fallbackReason && b.name === 'cpu')
    lab.notify('warn', `No WebGPU: ${b.fallbackReason}. Training runs on the CPU backend instead (slower, same page).`);
});
lab.on('model', (m) => {
  byId('model-summary').textContent =
    `${m.description}; ${m.parameters.toLocaleString('en')} ` +
    `parameters${m.loadedFrom ? `; loaded from ${m.loadedFrom}` : ''}`;
});

/** For tests and the curious: make the GPU device fail as a driver reset would (the page recovers). */
(window as Window & { __labDebug?: unknown }).__labDebug = {
  loseDevice: () => lab.client.call({ kind: 'loseDevice' }),
};

window.addEventListener('unhandledrejection', (ev) => {
  ev.preventDefault();
  lab.report(ev.reason);
});

const started = performance.now();
lab.client
  .call({ kind: 'init', config, dataUrl: new URL('./data/', location.href).href })
  .then((r) => {
    lab.hook.ready = true;
    status.title =
      `MNIST: ${r.data.train} training and ${r.data.test} test images, loaded in ` +
      `${fmt((performance.now() - started) / 1000, 1)} s`;
    showStatus();
  })
  .catch((e: Error) => {
    lab.notify('error', `The lab could not start: ${e.message}`);
    status.textContent = 'failed to start';
  });
