// Panel 3: prior samples from fixed noise and reconstructions of fixed test digits, redrawn
// whenever the worker sends new ones (every second or two while training, and after each change).
import { byId } from './dom.js';
import { drawGrid } from './images.js';
import type { Lab } from './lab.js';

export function setupPictures(lab: Lab): void {
  const samples = byId('samples', HTMLCanvasElement);
  const originals = byId('originals', HTMLCanvasElement);
  const recons = byId('recons', HTMLCanvasElement);
  lab.on('pictures', (p) => {
    drawGrid(samples, p.samples, p.sampleRows * p.sampleCols, p.sampleCols);
    const cols = Math.min(4, p.count);
    drawGrid(originals, p.originals, p.count, cols);
    drawGrid(recons, p.recons, p.count, cols);
    lab.hook.picturesDrawn++;
  });
}
