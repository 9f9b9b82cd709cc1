// Panel 2: the training curves. Per step: train -ELBO (reconstruction + KL, whatever β is),
// its reconstruction and KL terms, smoothed; per epoch: test -ELBO on a test subset; on demand:
// test -ELBO on the full test set. Below: ms per step, and steps per second.
import { LineChart } from './chart.js';
import { byId, fmt } from './dom.js';
import type { Lab } from './lab.js';

export function setupCurves(lab: Lab): void {
  const loss = new LineChart(byId('chart-loss', HTMLCanvasElement), { xLabel: 'step', yLabel: 'nats per image' });
  const elbo = loss.add({ name: 'train −ELBO', color: '#1f77b4' });
  const recon = loss.add({ name: 'reconstruction', color: '#2ca02c' });
  const kl = loss.add({ name: 'KL', color: '#d62728' });
  const test = loss.add({ name: 'test −ELBO (1000 images, per epoch)', color: '#9467bd', dots: true });
  const full = loss.add({ name: 'test −ELBO (all 10000)', color: '#000', dots: true });
  const speed = new LineChart(byId('chart-speed', HTMLCanvasElement), { xLabel: 'step', yLabel: 'ms/step', minY: 0 });
  const ms = speed.add({ name: 'ms per step', color: '#ff7f0e' });
  const speedText = byId('speed');
  const evalButton = byId('eval-full', HTMLButtonElement);
  const evalSeed = byId('eval-seed', HTMLInputElement);
  const evalResult = byId('eval-result');

  lab.on('model', () => {
    loss.clear();
    speed.clear();
    speedText.textContent = '';
    evalResult.textContent = '';
  });
  lab.on('status', () => {
    evalButton.disabled = lab.model === null || lab.state === 'loading';
  });
  lab.on('steps', ({ points }) => {
    for (const p of points) {
      elbo.xs.push(p.step);
      elbo.ys.push(p.recon + p.kl);
      recon.xs.push(p.step);
      recon.ys.push(p.recon);
      kl.xs.push(p.step);
      kl.ys.push(p.kl);
      ms.xs.push(p.step);
      ms.ys.push(p.ms);
    }
    loss.redraw();
    speed.redraw();
    const recent = ms.ys.slice(-20).sort((a, b) => a - b);
    const median = recent[recent.length >> 1] ?? 0;
    const last = points[points.length - 1];
    if (last)
      speedText.textContent =
        `${fmt(1000 / median, 1)} steps/s · ${fmt(median, 1)} ms/step (median of the last ` +
        `${recent.length}) · KL weight ${fmt(last.klWeight, 3)}`;
  });
  lab.on('epochEval', (e) => {
    test.xs.push(e.step);
    test.ys.push(e.terms.loss);
    loss.redraw();
  });
  byId('smoothing', HTMLInputElement).addEventListener('input', (ev) => {
    const v = Number((ev.target as HTMLInputElement).value);
    loss.smoothing = v;
    speed.smoothing = v;
    loss.redraw();
    speed.redraw();
  });
  evalButton.onclick = async () => {
    const seed = Number(evalSeed.value);
    if (!Number.isInteger(seed) || seed < 0) {
      evalResult.textContent = `the seed must be a non-negative integer, got ${evalSeed.value}`;
      return;
    }
    evalButton.disabled = true;
    evalResult.textContent = 'evaluating all 10000 test images…';
    try {
      const r = await lab.client.call({ kind: 'evaluate', full: true, seed });
      lab.hook.lastEval = r;
      full.xs.push(r.step);
      full.ys.push(r.terms.loss);
      loss.redraw();
      evalResult.textContent =
        `test −ELBO ${r.terms.loss.toFixed(4)} nats (recon ${r.terms.recon.toFixed(4)}, KL ${r.terms.kl.toFixed(4)}) ` +
        `on ${r.images} images at step ${r.step}; one z per image, random stream seeded with ${r.seed} ` +
        `(as vae eval --seed ${r.seed} computes it)`;
    } catch (e) {
      evalResult.textContent = (e as Error).message;
    } finally {
      evalButton.disabled = false;
    }
  };
  window.addEventListener('resize', () => {
    loss.redraw();
    speed.redraw();
  });
}
