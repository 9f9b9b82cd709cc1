// Panel 6: draw a digit (mouse, pen or touch, through pointer events) on a 28×28 canvas. The
// drawing is shifted so its centre of mass sits at the centre, as MNIST's digits are, then the
// worker encodes it: its reconstruction, its place on the latent map and its -ELBO.
import { latest } from './client.js';
import { byId, el, fmt } from './dom.js';
import { drawImage, SIDE } from './images.js';
import type { Lab } from './lab.js';

/** Ink of a soft round brush at distance d (pixels) from the stroke: MNIST's strokes are ~2–3 px wide, anti-aliased. */
const brush = (d: number) => Math.max(0, Math.min(1, 1.6 - d));

/** The image moved (by whole pixels) so that its centre of mass is the centre of the frame. */
export function centreOfMassShift(pixels: Float32Array, side = SIDE): Float32Array {
  let m = 0;
  let cx = 0;
  let cy = 0;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const v = pixels[y * side + x]!;
      m += v;
      cx += v * x;
      cy += v * y;
    }
  }
  if (m === 0) return pixels.slice();
  const dx = Math.round((side - 1) / 2 - cx / m);
  const dy = Math.round((side - 1) / 2 - cy / m);
  const out = new Float32Array(side * side);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const sx = x - dx;
      const sy = y - dy;
      if (sx >= 0 && sx < side && sy >= 0 && sy < side) out[y * side + x] = pixels[sy * side + sx]!;
    }
  }
  return out;
}

export function setupDraw(lab: Lab): void {
  const canvas = byId('draw-canvas', HTMLCanvasElement);
  const recon = byId('draw-recon', HTMLCanvasElement);
  const result = byId('draw-result');
  const labelBox = byId('draw-label-box');
  const labelSelect = byId('draw-label', HTMLSelectElement);
  for (let d = 0; d < 10; d++) labelSelect.append(el('option', { textContent: String(d) }));
  const pixels = new Float32Array(SIDE * SIDE);
  let last: [number, number] | null = null;
  let lastSent = 0;

  const paint = () => drawImage(canvas, pixels);

  const stamp = (x: number, y: number) => {
    for (let py = Math.floor(y - 2); py <= Math.ceil(y + 2); py++) {
      for (let px = Math.floor(x - 2); px <= Math.ceil(x + 2); px++) {
        if (px < 0 || py < 0 || px >= SIDE || py >= SIDE) continue;
        const ink = brush(Math.hypot(px + 0.5 - x, py + 0.5 - y));
        const i = py * SIDE + px;
        pixels[i] = Math.max(pixels[i]!, ink);
      }
    }
  };

  const at = (ev: PointerEvent): [number, number] => {
    const r = canvas.getBoundingClientRect();
    return [((ev.clientX - r.left) / r.width) * SIDE, ((ev.clientY - r.top) / r.height) * SIDE];
  };

  const send = latest(
    async () => {
      if (!lab.model) return;
      const input = centreOfMassShift(pixels);
      const label = Number(labelSelect.value);
      lab.drawing = { pixels: input, label };
      const r = await lab.client.call({ kind: 'draw', pixels: input, label });
      drawImage(recon, r.recon);
      lab.hook.lastDraw = r;
      result.textContent =
        `−ELBO ${fmt(r.terms.loss)} nats = reconstruction ${fmt(r.terms.recon)} + KL ${fmt(r.terms.kl)} ` +
        `(one z sample)${r.point ? ` · on the map at (${fmt(r.point[0])}, ${fmt(r.point[1])}) ★` : ''}`;
      lab.emit('drawn', r);
    },
    (e) => (result.textContent = e.message),
  );

  canvas.addEventListener('pointerdown', (ev) => {
    canvas.setPointerCapture(ev.pointerId);
    last = at(ev);
    stamp(...last);
    paint();
  });
  canvas.addEventListener('pointermove', (ev) => {
    if (!last) return;
    const next = at(ev);
    // stamps along the segment, a quarter pixel apart, so fast strokes stay connected
    const steps = Math.max(1, Math.ceil(Math.hypot(next[0] - last[0], next[1] - last[1]) * 4));
    for (let s = 1; s <= steps; s++)
      stamp(last[0] + ((next[0] - last[0]) * s) / steps, last[1] + ((next[1] - last[1]) * s) / steps);
    last = next;
    paint();
    if (performance.now() - lastSent > 150) {
      lastSent = performance.now();
      send();
    }
  });
  const end = () => {
    if (!last) return;
    last = null;
    send();
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  byId('draw-clear', HTMLButtonElement).onclick = () => {
    pixels.fill(0);
    paint();
    recon.getContext('2d')!.clearRect(0, 0, recon.width, recon.height);
    result.textContent = '';
    lab.drawing = null;
    lab.emit('drawn', null);
  };
  labelSelect.onchange = () => send();
  lab.on('model', (m) => {
    labelBox.hidden = m.config.model !== 'cvae';
    if (pixels.some((v) => v > 0)) send();
  });
  paint();
}
