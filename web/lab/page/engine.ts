// Panel 8: the engine under the model. The adapter and its limits; live tensors, buffers and
// bytes (flat while training: every step frees what it made); kernel launches per training step,
// per kernel; device time per kernel from GPU timestamp queries (when the adapter has them);
// and the WGSL source of any kernel in use.
import type { EngineReport } from '../protocol.js';
import { LineChart } from './chart.js';
import { byId, el, fmt, fmtBytes } from './dom.js';
import type { Lab } from './lab.js';

const POLL_MS = 2000;

export function setupEngine(lab: Lab): void {
  const adapter = byId('adapter');
  const limits = byId('limits', HTMLTableElement);
  const memory = byId('memory');
  const launches = byId('launches');
  const tuning = byId('tuning');
  const kernels = byId('kernels', HTMLTableElement);
  const wgsl = byId('wgsl');
  const wgslName = byId('wgsl-name');
  const profileButton = byId('profile', HTMLButtonElement);
  const chart = new LineChart(byId('chart-memory', HTMLCanvasElement), { xLabel: 'step', yLabel: 'count', minY: 0 });
  chart.smoothing = 0;
  const tensors = chart.add({ name: 'tensors', color: '#1f77b4' });
  const buffers = chart.add({ name: 'buffers', color: '#ff7f0e' });
  let report: EngineReport | null = null;

  lab.on('backend', (b) => {
    if (b.name === 'cpu') {
      adapter.textContent = `CPU backend (${b.description}): ${b.fallbackReason ?? ''}. No GPU kernels to show.`;
      limits.replaceChildren();
      return;
    }
    const a = b.adapter;
    adapter.replaceChildren(
      el('div', { textContent: b.description }),
      el('div', {
        textContent: a
          ? `vendor ${a.vendor || '—'} · architecture ` +
            `${a.architecture || '—'}${a.isFallbackAdapter ? ' · fallback (software) adapter' : ''}`
          : '',
      }),
      el('div', { textContent: a ? `features: ${a.features.join(', ') || 'none'}` : '' }),
    );
    limits.replaceChildren(
      ...Object.entries(a?.limits ?? {}).map(([k, v]) =>
        el('tr', {}, [el('td', { textContent: k }), el('td', { textContent: v.toLocaleString('en') })]),
      ),
    );
  });
  lab.on('model', () => chart.clear());
  lab.on('steps', ({ points, memory: m, launchesPerStep }) => {
    const last = points[points.length - 1];
    if (!last) return;
    tensors.xs.push(last.step);
    tensors.ys.push(m.tensors);
    buffers.xs.push(last.step);
    buffers.ys.push(m.buffers);
    chart.redraw();
    memory.textContent = `${m.tensors} tensors · ${m.buffers} buffers · ${fmtBytes(m.bytes)} at step ${last.step}`;
    if (launchesPerStep !== null && report) report.launchesPerStep = launchesPerStep;
  });

  const render = (r: EngineReport) => {
    report = r;
    const m = r.memory;
    memory.textContent = `${m.tensors} tensors · ${m.buffers} buffers · ${fmtBytes(m.bytes)}`;
    if (r.launchesPerStep === null) {
      launches.textContent =
        lab.backend?.name === 'cpu' ? 'the CPU backend runs no GPU kernels' : 'train a step to count its kernels';
    } else {
      launches.textContent =
        `${r.launchesPerStep} kernel launches per step · ${fmt(r.submitsPerStep ?? 0, 2)} queue submits per step · ` +
        `${r.pipelines} compiled kernels`;
    }
    const t = r.tuning;
    tuning.textContent = !t
      ? ''
      : t.shapes === 0
        ? 'matmul tuning: no product of this model is big enough to tune'
        : t.timedNow > 0
          ? `matmul tuning: ${t.timedNow} of ${t.shapes} shapes timed on this adapter now (kept in ${t.where})`
          : `matmul tuning: ${t.shapes} shapes from ${t.where} (tuned on this adapter before)`;
    const timed = r.profile;
    const head = el('tr', {}, [
      el('th', { textContent: 'kernel (click: WGSL)' }),
      el('th', { textContent: 'launches/step' }),
    ]);
    const rows = r.kernels.map((k) => {
      const tr = el('tr', {}, [
        el('td', { textContent: k.name }),
        el('td', { textContent: String(k.launchesPerStep) }),
      ]);
      tr.dataset.id = String(k.id);
      tr.onclick = () => void showSource(k.id);
      return tr;
    });
    kernels.replaceChildren(head, ...rows);
    const profileTable = byId('profile-table', HTMLTableElement);
    if (timed) {
      profileTable.replaceChildren(
        el('tr', {}, [
          el('th', { textContent: `launch label (step ${timed.step})` }),
          el('th', { textContent: 'launches' }),
          el('th', { textContent: 'ms' }),
        ]),
        ...timed.kernels.map((k) =>
          el('tr', {}, [
            el('td', { textContent: k.name }),
            el('td', { textContent: String(k.count) }),
            el('td', { textContent: fmt(k.totalMs, 3) }),
          ]),
        ),
        el('tr', {}, [
          el('th', { textContent: 'all kernels' }),
          el('th'),
          el('th', { textContent: fmt(timed.kernelMs, 3) }),
        ]),
      );
    } else {
      profileTable.replaceChildren(
        el('tr', {}, [
          el('td', {
            textContent:
              lab.backend?.name !== 'webgpu'
                ? 'the CPU backend runs no GPU kernels'
                : r.timestamps
                  ? 'not profiled yet: a step is timed after the first few steps, then every few hundred'
                  : "no 'timestamp-query' on this adapter: no kernel times",
          }),
        ]),
      );
    }
    profileButton.disabled = !(r.timestamps && lab.backend?.name === 'webgpu');
  };

  const showSource = async (id: number) => {
    try {
      const k = await lab.client.call({ kind: 'kernelSource', id });
      wgslName.textContent = k.name;
      wgsl.textContent = k.source;
    } catch (e) {
      wgslName.textContent = (e as Error).message;
    }
  };

  const poll = async () => {
    if (lab.model && lab.state !== 'loading') {
      try {
        render(await lab.client.call({ kind: 'engine' }));
        if (!wgsl.textContent && report?.kernels[0]) await showSource(report.kernels[0].id);
      } catch {
        /* the worker is busy restarting: the next poll will do */
      }
    }
    setTimeout(() => void poll(), POLL_MS);
  };
  void poll();

  profileButton.onclick = async () => {
    profileButton.disabled = true;
    try {
      await lab.client.call({ kind: 'profile' });
      render(await lab.client.call({ kind: 'engine' }));
    } catch (e) {
      launches.textContent = (e as Error).message;
    } finally {
      profileButton.disabled = false;
    }
  };
}
