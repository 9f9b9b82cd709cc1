// Panel 5: the CVAE. A digit picker draws ten samples of that digit (fixed noise, z from the
// prior, decoded with y); "restyle" encodes one digit with its label and decodes the same z with
// every label 0–9.
import { byId, el } from './dom.js';
import { drawGrid, drawImage } from './images.js';
import type { Lab } from './lab.js';

export function setupCvae(lab: Lab): void {
  const picker = byId('digit-picker');
  const row = byId('cvae-row', HTMLCanvasElement);
  const source = byId('restyle-source', HTMLCanvasElement);
  const restyled = byId('restyle-row', HTMLCanvasElement);
  const message = byId('cvae-message');
  const testButton = byId('restyle-test', HTMLButtonElement);
  const drawnButton = byId('restyle-drawn', HTMLButtonElement);
  let digit = 0;
  let testIndex = 0;
  const buttons = Array.from({ length: 10 }, (_, d) => {
    const b = el('button', { textContent: String(d) });
    b.type = 'button';
    b.onclick = () => {
      digit = d;
      void drawRow();
    };
    return b;
  });
  picker.append(...buttons);

  const drawRow = async () => {
    buttons.forEach((b, d) => b.classList.toggle('on', d === digit));
    if (!lab.conditional) return;
    try {
      drawGrid(row, await lab.client.call({ kind: 'cvaeRow', digit }), 10, 10);
    } catch (e) {
      message.textContent = (e as Error).message;
    }
  };

  const restyle = async (req: { testIndex: number | null; pixels: Float32Array | null; label: number }) => {
    message.textContent = '';
    try {
      const r = await lab.client.call({ kind: 'restyle', ...req });
      drawImage(source, r.original);
      drawGrid(restyled, r.images, 10, 10);
      message.className = 'message ok';
      message.textContent = `encoded with y = ${r.label}; decoded with y = 0 … 9`;
    } catch (e) {
      message.className = 'message';
      message.textContent = (e as Error).message;
    }
  };
  testButton.onclick = () => {
    testIndex = (testIndex * 7919 + 1237) % 10000;
    void restyle({ testIndex, pixels: null, label: 0 });
  };
  drawnButton.onclick = () => {
    const d = lab.drawing;
    if (!d) {
      message.textContent = 'draw a digit in panel 6 first';
      return;
    }
    void restyle({ testIndex: null, pixels: d.pixels, label: d.label });
  };

  const enable = () => {
    const on = lab.conditional && lab.state !== 'loading';
    testButton.disabled = !on;
    drawnButton.disabled = !on;
    for (const b of buttons) b.disabled = !on;
  };
  lab.on('model', (m) => {
    const on = m.config.model === 'cvae';
    byId('cvae-hint').textContent = on
      ? 'Pick a digit: ten draws z ~ P(z|y) decoded with that y.'
      : 'This panel needs a CVAE: choose Model → CVAE and Reset.';
    message.textContent = '';
    for (const c of [row, source, restyled]) c.getContext('2d')!.clearRect(0, 0, c.width, c.height);
    enable();
    if (on) {
      void drawRow();
      testButton.click();
    }
  });
  lab.on('status', enable);
  lab.on('pictures', () => {
    if (lab.conditional) void drawRow();
  });
}
