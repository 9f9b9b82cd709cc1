// Panel 4: the latent explorer. The test digits' posterior means as a scatter coloured by digit,
// and the decoder's images over the same square of the plane: the latent space itself for a 2-d
// latent, the PCA plane of the means for more (plus one slider per dimension). The cursor over
// either picture decodes the point under it; a drawn digit (panel 6) shows as a star.
import type { LatentMap } from '../protocol.js';
import { planePoint, projectToPlane } from '../plane.js';
import { latest } from './client.js';
import { byId, el, fmt } from './dom.js';
import { DIGIT_COLORS, drawGrid, drawImage } from './images.js';
import type { Lab } from './lab.js';

const SIDE = 15;
const REFRESH_MS = 4000;

export function setupLatent(lab: Lab): void {
  const scatter = byId('scatter', HTMLCanvasElement);
  const manifold = byId('manifold', HTMLCanvasElement);
  const cursorImage = byId('cursor-image', HTMLCanvasElement);
  const cursorText = byId('cursor-z');
  const sliders = byId('sliders');
  const labelBox = byId('latent-label-box');
  const labelSelect = byId('latent-label', HTMLSelectElement);
  const refreshButton = byId('latent-refresh', HTMLButtonElement);
  const hint = byId('latent-hint');
  for (let d = 0; d < 10; d++) labelSelect.append(el('option', { textContent: String(d) }));
  byId('legend').append(
    ...DIGIT_COLORS.map((c, d) => {
      const s = el('span', { textContent: `digit ${d}` });
      s.style.setProperty('--c', c);
      return s;
    }),
  );

  let map: LatentMap | null = null;
  let cursor: [number, number] | null = null;
  let star: [number, number] | null = null;
  let z: Float32Array | null = null;
  let inputs: HTMLInputElement[] = [];
  let lastRefresh = 0;

  const label = () => Number(labelSelect.value);

  const drawScatter = () => {
    const dpr = window.devicePixelRatio || 1;
    const size = 360;
    scatter.width = size * dpr;
    scatter.height = size * dpr;
    const ctx = scatter.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, size, size);
    if (!map) return;
    const [u0, u1, v0, v1] = map.plane.bounds;
    const px = (u: number) => ((u - u0) / (u1 - u0)) * size;
    const py = (v: number) => (1 - (v - v0) / (v1 - v0)) * size;
    // the axes through the origin of the plane
    ctx.strokeStyle = '#ddd';
    ctx.beginPath();
    ctx.moveTo(px(0), 0);
    ctx.lineTo(px(0), size);
    ctx.moveTo(0, py(0));
    ctx.lineTo(size, py(0));
    ctx.stroke();
    ctx.globalAlpha = 0.75;
    for (let i = 0; i < map.labels.length; i++) {
      ctx.fillStyle = DIGIT_COLORS[map.labels[i]! % 10]!;
      ctx.fillRect(px(map.coords[2 * i]!) - 1.5, py(map.coords[2 * i + 1]!) - 1.5, 3, 3);
    }
    ctx.globalAlpha = 1;
    ctx.fillStyle = '#444';
    ctx.font = '11px system-ui, sans-serif';
    const [a, b] = map.plane.exact ? ['z₁', 'z₂'] : ['PC1', 'PC2'];
    ctx.fillText(`${a} →   [${fmt(u0)}, ${fmt(u1)}]`, 6, size - 6);
    ctx.save();
    ctx.translate(12, size - 30);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(`${b} →   [${fmt(v0)}, ${fmt(v1)}]`, 0, 0);
    ctx.restore();
    if (star) {
      ctx.fillStyle = '#000';
      ctx.font = '22px system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText('★', px(star[0]), py(star[1]));
      ctx.textAlign = 'start';
      ctx.textBaseline = 'alphabetic';
    }
    if (cursor) {
      ctx.strokeStyle = '#000';
      ctx.beginPath();
      ctx.arc(px(cursor[0]), py(cursor[1]), 6, 0, 2 * Math.PI);
      ctx.stroke();
    }
  };

  const decode = latest(
    async (point: Float32Array) => {
      const img = await lab.client.call({ kind: 'decode', z: point, label: label() });
      drawImage(cursorImage, img);
    },
    (e) => (cursorText.textContent = e.message),
  );

  const showZ = (point: Float32Array) => {
    z = point;
    const shown = Array.from(point.slice(0, 8), (v) => fmt(v, 2)).join(', ');
    cursorText.textContent = `z = (${shown}${point.length > 8 ? ', …' : ''})`;
    decode(point);
  };

  const buildSliders = (m: LatentMap) => {
    sliders.replaceChildren();
    inputs = [];
    if (m.plane.exact) return;
    const d = m.plane.origin.length;
    const n = m.labels.length;
    for (let k = 0; k < d; k++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < n; i++) {
        lo = Math.min(lo, m.means[i * d + k]!);
        hi = Math.max(hi, m.means[i * d + k]!);
      }
      const span = Math.max(hi - lo, 0.5);
      const input = el('input');
      Object.assign(input, { type: 'range', min: String(lo - 0.2 * span), max: String(hi + 0.2 * span), step: 'any' });
      input.value = String(m.plane.origin[k]);
      input.addEventListener('input', () => {
        const point = Float32Array.from(inputs, (e) => Number(e.value));
        cursor = projectToPlane(m.plane, point);
        drawScatter();
        showZ(point);
      });
      inputs.push(input);
      sliders.append(el('label', {}, [`z${k + 1}`, input]));
    }
  };

  const fromEvent = (ev: PointerEvent, canvas: HTMLCanvasElement): [number, number] | null => {
    if (!map) return null;
    const r = canvas.getBoundingClientRect();
    const [u0, u1, v0, v1] = map.plane.bounds;
    const fx = (ev.clientX - r.left) / r.width;
    const fy = (ev.clientY - r.top) / r.height;
    return [u0 + fx * (u1 - u0), v1 - fy * (v1 - v0)];
  };
  for (const canvas of [scatter, manifold]) {
    canvas.addEventListener('pointermove', (ev) => {
      const uv = fromEvent(ev, canvas);
      if (!uv || !map) return;
      cursor = uv;
      drawScatter();
      const point = planePoint(map.plane, uv[0], uv[1]);
      point.forEach((v, k) => inputs[k] && (inputs[k].value = String(v)));
      showZ(point);
    });
  }

  const refresh = latest(
    async () => {
      if (!lab.model) return;
      lastRefresh = performance.now();
      const m = await lab.client.call({ kind: 'latentMap', label: label(), side: SIDE });
      const fresh = !map || map.plane.origin.length !== m.plane.origin.length;
      map = m;
      if (fresh) buildSliders(m);
      drawScatter();
      drawGrid(manifold, m.manifold, m.side * m.side, m.side, 0);
      lab.hook.latentDrawn++;
      lab.emit('latent', m);
      if (z && z.length === m.plane.origin.length) decode(z);
      else
        showZ(
          planePoint(
            m.plane,
            0.5 * (m.plane.bounds[0] + m.plane.bounds[1]),
            0.5 * (m.plane.bounds[2] + m.plane.bounds[3]),
          ),
        );
    },
    (e) => lab.report(e),
  );

  lab.on('model', (m) => {
    map = null;
    z = null;
    star = null;
    cursor = null;
    labelBox.hidden = m.config.model !== 'cvae';
    hint.textContent =
      m.config.latent === 2
        ? "Posterior means E_Q[z|X] of 2000 test digits, coloured by digit, and the decoder's images over the same " +
          'square of z. Move the cursor over either to decode the point under it.'
        : `Posterior means E_Q[z|X] of 2000 test digits projected on their first two principal components (the ` +
          `latent has ${m.config.latent} dimensions), and the decoder's images over that plane. The cursor decodes ` +
          `the point under it; the sliders move along every dimension.`;
    refresh();
  });
  let previous = lab.state;
  lab.on('status', () => {
    refreshButton.disabled = !lab.model;
    if (lab.state === 'idle' && previous === 'training') refresh();
    previous = lab.state;
  });
  lab.on('steps', () => {
    if (performance.now() - lastRefresh > REFRESH_MS) refresh();
  });
  lab.on('drawn', (d) => {
    star = d?.point ?? null;
    drawScatter();
  });
  labelSelect.onchange = () => refresh();
  refreshButton.onclick = () => refresh();
  drawScatter();
}
