// The pictures vae train writes are non-blank and labelled: the curves, the manifold of a latent-2
// VAE and the CVAE grid with the digit written at each row (tiny untrained models, CPU).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { writePictures, writeTrainingCurves } from '../../src/cli/pictures.js';
import type { Split } from '../../src/data/split.js';
import { manualSeed } from '../../src/tensor/random.js';
import type { EpochMetrics } from '../../src/vae/train.js';
import { VAE } from '../../src/vae/vae.js';

const side = 28;
const split: Split = {
  images: Float32Array.from({ length: 16 * side * side }, (_, i) => ((i * 7919) % 101) / 100),
  labels: Int32Array.from({ length: 16 }, (_, i) => i % 10),
  count: 16,
  rows: side,
  cols: side,
};

function read(path: string): PNG {
  return PNG.sync.read(readFileSync(path));
}
/** Pixels in a box that are neither white nor the grid's light grey: ink. */
function ink(png: PNG, x0: number, y0: number, x1: number, y1: number, dark = false): number {
  let n = 0;
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      const p = (y * png.width + x) * 4;
      const [r, g, b] = [png.data[p]!, png.data[p + 1]!, png.data[p + 2]!];
      if (dark ? r + g + b === 0 : r + g + b < 600) n++;
    }
  return n;
}

describe('training pictures', () => {
  it('curves.png: both panels, titled, with the series drawn', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'curves-'));
    const metrics: EpochMetrics[] = [1, 2, 3].map((epoch) => ({
      epoch,
      train: { loss: 130 - epoch * 5, recon: 110 - epoch * 6, kl: 20 + epoch },
      test: { loss: 128 - epoch * 5, recon: 108 - epoch * 6, kl: 20 + epoch },
      activeUnits: 20,
      trainSeconds: 1,
    }));
    await writeTrainingCurves(dir, metrics, 'VAE 784-400-20');
    const png = read(join(dir, 'curves.png'));
    expect(png.width).toBeGreaterThan(900);
    expect(ink(png, 0, 0, png.width, 40, true)).toBeGreaterThan(100); // the title
    expect(ink(png, 0, 60, png.width / 2, png.height)).toBeGreaterThan(1000); // left panel
    expect(ink(png, png.width / 2, 60, png.width, png.height)).toBeGreaterThan(500); // right panel
  });

  it('a latent-2 VAE gets a labelled manifold; a CVAE grid says the digit at each row', async () => {
    manualSeed(0);
    const dir = mkdtempSync(join(tmpdir(), 'pictures-'));
    const vae = new VAE({ inputDim: side * side, hidden: [8], latent: 2, likelihood: 'bernoulli' });
    const written = await writePictures(dir, vae, split, split.images);
    vae.dispose();
    expect(written).toContain('manifold.png');
    const m = read(join(dir, 'manifold.png'));
    expect(ink(m, 60, 60, m.width - 60, m.height - 60)).toBeGreaterThan(0.5 * (m.width - 120) * (m.height - 120));
    expect(ink(m, 0, 0, m.width, 30, true)).toBeGreaterThan(100); // the title

    const cvae = new VAE({ inputDim: side * side, hidden: [8], latent: 2, likelihood: 'bernoulli', classes: 10 });
    const cw = await writePictures(join(dir), cvae, split, split.images);
    cvae.dispose();
    expect(cw).toContain('cvae-grid.png');
    expect(cw).not.toContain('manifold.png');
    const g = read(join(dir, 'cvae-grid.png'));
    // ten row labels in the left margin, one per 57-pixel row of the grid
    const top = g.height - 10 * (side * 2 + 1) - 1;
    for (let row = 0; row < 10; row++)
      expect(ink(g, 0, top + row * 57, 30, top + (row + 1) * 57, true), `label of row ${row}`).toBeGreaterThan(20);
  });
});
