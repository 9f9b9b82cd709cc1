// Pictures that explain themselves: the bitmap font draws every character the pictures use, and
// charts carry ink for their title, axis labels and a legend entry per series.
import { describe, expect, it } from 'vitest';
import { createChart, niceTicks, renderLineChart } from '../../src/data/chart.js';
import { canDraw, drawText, textWidth } from '../../src/data/font.js';
import { createRaster, type Raster } from '../../src/data/raster.js';
import { CLASS_COLORS, renderScatter } from '../../src/data/scatter.js';

/** Pixels of exactly this colour inside a box. */
function count(r: Raster, color: readonly number[], x0 = 0, y0 = 0, x1 = r.width, y1 = r.height): number {
  let n = 0;
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      const p = (y * r.width + x) * 4;
      if (r.rgba[p] === color[0] && r.rgba[p + 1] === color[1] && r.rgba[p + 2] === color[2]) n++;
    }
  return n;
}

describe('the bitmap font', () => {
  it('has a glyph for every character the pictures write', () => {
    for (const text of [
      'Training curves: VAE 784-400-20, learned prior p(z|y)',
      'KL(q(z|x) || p(z)) −ELBO nats per image; train terms are means (dashed: test set)',
      'z1 (a grid even in probability: z = Φ⁻¹(u), u = 0.05 … 0.95)',
      'β = 0.25  Fréchet distance 12.5  recognised 97.4%  [rate-distortion]',
      'ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz 0123456789',
    ])
      expect(canDraw(text), text).toBe(true);
    expect(canDraw('\u4e2d')).toBe(false);
  });

  it('draws inside its measured box, across or up', () => {
    const r = createRaster(200, 200, [255, 255, 255]);
    const w = drawText(r, 'digit 7', 10, 10, { scale: 2 });
    expect(w).toBe(textWidth('digit 7', 2));
    const inked = count(r, [0, 0, 0]);
    expect(inked).toBeGreaterThan(40);
    expect(count(r, [0, 0, 0], 10, 10, 10 + w, 10 + 18)).toBe(inked);
    const up = createRaster(40, 100, [255, 255, 255]);
    drawText(up, 'z2', 5, 50, { align: 'center', vertical: true });
    const h = textWidth('z2');
    expect(count(up, [0, 0, 0], 5, 50 - Math.ceil(h / 2) - 1, 5 + 9, 50 + Math.ceil(h / 2) + 1)).toBe(
      count(up, [0, 0, 0]),
    );
  });
});

describe('charts', () => {
  it('picks round ticks', () => {
    expect(niceTicks(0, 10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(97.3, 103.9)).toEqual([98, 100, 102]);
    expect(niceTicks(0.013, 0.061)).toEqual([0.02, 0.03, 0.04, 0.05, 0.06]);
  });

  it('a line chart is non-blank and labelled: title, axis labels, one legend entry per series', () => {
    const r = renderLineChart({
      title: 'Training curves',
      xLabel: 'epoch',
      yLabel: 'nats',
      width: 400,
      height: 300,
      series: [
        {
          label: 'train',
          color: [31, 119, 180],
          points: [
            [1, 120],
            [2, 110],
            [3, 105],
          ],
        },
        {
          label: 'test',
          color: [255, 127, 14],
          points: [
            [1, 118],
            [2, 111],
            [3, 107],
          ],
          dash: 4,
        },
      ],
    });
    const chart = createChart({
      title: 'x',
      xLabel: 'x',
      yLabel: 'y',
      x: [1, 3],
      y: [105, 120],
      width: 400,
      height: 300,
      legend: [
        { label: 'train', color: [0, 0, 0] },
        { label: 'test', color: [0, 0, 0] },
      ],
    });
    expect(count(r, [0, 0, 0], 0, 0, r.width, 28)).toBeGreaterThan(50); // the title
    expect(count(r, [0, 0, 0], 0, chart.top, 20, chart.bottom)).toBeGreaterThan(10); // the y label
    expect(count(r, [0, 0, 0], 0, r.height - 14, r.width, r.height)).toBeGreaterThan(10); // the x label
    for (const c of [
      [31, 119, 180],
      [255, 127, 14],
    ]) {
      expect(count(r, c, chart.left, chart.top, chart.right, chart.bottom)).toBeGreaterThan(100); // the line
      expect(count(r, c, chart.right, 0, r.width, r.height)).toBeGreaterThanOrEqual(24); // its legend stroke
    }
    // legend text
    expect(count(r, [0, 0, 0], chart.right + 30, chart.top, r.width, chart.top + 30)).toBeGreaterThan(20);
  });

  it('the latent scatter names each class in its legend beside its colour', () => {
    const points = Float32Array.from({ length: 200 }, (_, i) => Math.sin(i));
    const labels = Int32Array.from({ length: 100 }, (_, i) => i % 10);
    const r = renderScatter(points, labels, { size: 200, title: 'Latent space' });
    CLASS_COLORS.forEach((c) => {
      // find the swatch, then the legend text to its right on the same rows
      let sx = -1,
        sy = -1;
      for (let y = 0; y < r.height && sx < 0; y++)
        for (let x = r.width - 1; x > 200; x--)
          if (count(r, c, x, y, x + 16, y + 9) === 16 * 9) {
            sx = x;
            sy = y;
            break;
          }
      expect(sx, `swatch of ${c.join(',')}`).toBeGreaterThan(0);
      expect(count(r, [0, 0, 0], sx + 18, sy, r.width, sy + 9)).toBeGreaterThan(15); // "digit k"
    });
  });
});
