import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { writeImageGrid } from '../../src/data/image-grid.js';
import { CLASS_COLORS, writeScatterPng } from '../../src/data/scatter.js';

function readPng(path: string): PNG {
  return PNG.sync.read(readFileSync(path));
}
function pixel(png: PNG, x: number, y: number): number[] {
  const p = (y * png.width + x) * 4;
  return Array.from(png.data.subarray(p, p + 4));
}

describe('writeImageGrid', () => {
  it('tiles images with padding, scaled and clamped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'grid-'));
    const path = join(dir, 'grid.png');
    // Three 2×3 images: image k has value k/2 everywhere, except image 0's first pixel is 5 (clamped to 1).
    const images = Float32Array.from({ length: 18 }, (_, i) => Math.floor(i / 6) / 2);
    images[0] = 5;
    images[1] = -1;
    await writeImageGrid(path, images, { count: 3, rows: 2, cols: 3, gridCols: 2, scale: 2, padding: 1 });
    const png = readPng(path);
    // width = 2 * (3*2 + 1) + 1, height = 2 rows of (2*2 + 1) + 1
    expect([png.width, png.height]).toEqual([15, 11]);
    expect(pixel(png, 0, 0)).toEqual([128, 128, 128, 255]); // padding
    expect(pixel(png, 1, 1)).toEqual([255, 255, 255, 255]); // image 0, pixel (0,0): 5 → 1
    expect(pixel(png, 3, 2)).toEqual([0, 0, 0, 255]); // image 0, pixel (0,1): -1 → 0
    expect(pixel(png, 5, 1)).toEqual([0, 0, 0, 255]); // image 0, pixel (0,2): 0
    expect(pixel(png, 9, 1)).toEqual([128, 128, 128, 255]); // image 1: 0.5 → 128 (rounded)
    expect(pixel(png, 1, 6)).toEqual([255, 255, 255, 255]); // image 2: 1
    expect(pixel(png, 9, 6)).toEqual([128, 128, 128, 255]); // empty cell: padding colour
    expect(readdirSync(dir)).toEqual(['grid.png']); // no temp file left behind
  });

  it('uses the given colours', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'grid-')), 'c.png');
    await writeImageGrid(path, Float32Array.from([0, 1]), {
      count: 1,
      rows: 1,
      cols: 2,
      gridCols: 1,
      padding: 0,
      colors: { background: [255, 255, 255], foreground: [0, 0, 100] },
    });
    const png = readPng(path);
    expect([png.width, png.height]).toEqual([2, 1]);
    expect(pixel(png, 0, 0)).toEqual([255, 255, 255, 255]);
    expect(pixel(png, 1, 0)).toEqual([0, 0, 100, 255]);
  });

  it('rejects too little data', async () => {
    await expect(
      writeImageGrid(join(tmpdir(), 'never.png'), new Float32Array(5), { count: 1, rows: 2, cols: 3, gridCols: 1 }),
    ).rejects.toThrow(/need 6 values/);
  });
});

describe('writeScatterPng', () => {
  it('draws class-coloured dots, the ends of the data at the ends of the plot, and a legend', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'scatter-')), 's.png');
    const points = Float32Array.from([0, 0, 1, 1, 0.5, 0.5]);
    const labels = Int32Array.from([0, 3, 9]);
    await writeScatterPng(path, points, labels, { size: 100, title: 'T', pointRadius: 0 });
    const png = readPng(path);
    const where = (color: readonly number[]) => {
      const found: [number, number][] = [];
      for (let y = 0; y < png.height; y++)
        for (let x = 0; x < png.width; x++)
          if (pixel(png, x, y).slice(0, 3).join() === color.join()) found.push([x, y]);
      return found;
    };
    const [zero] = where(CLASS_COLORS[0]!).sort((a, b) => a[0] - b[0]);
    const [three] = where(CLASS_COLORS[3]!).sort((a, b) => a[0] - b[0]);
    // (0,0) lands bottom-left of (1,1), and 100 px apart less the 4% padding on each side
    expect(Math.abs(three![0] - zero![0] - 100 / 1.08)).toBeLessThan(1);
    expect(Math.abs(zero![1] - three![1] - 100 / 1.08)).toBeLessThan(1);
    expect(where(CLASS_COLORS[5]!).length).toBeGreaterThan(0); // only in the legend
    for (const c of CLASS_COLORS) expect(where(c).length).toBeGreaterThanOrEqual(16 * 9);
  });
});
