// Putting pictures together: copy one raster into another, stack them, and give an image grid a
// title and a label per row (a CVAE's grid says which digit each row was asked for).
import { drawText, LINE_HEIGHT, textWidth } from './font.js';
import { createRaster, type Raster, type Rgb } from './raster.js';

const WHITE: Rgb = [255, 255, 255];

/** Copies src into dst with its top-left corner at (x, y), clipped to dst. */
export function blit(dst: Raster, src: Raster, x: number, y: number): void {
  for (let j = 0; j < src.height; j++) {
    const ty = y + j;
    if (ty < 0 || ty >= dst.height) continue;
    for (let i = 0; i < src.width; i++) {
      const tx = x + i;
      if (tx < 0 || tx >= dst.width) continue;
      const s = (j * src.width + i) * 4,
        d = (ty * dst.width + tx) * 4;
      dst.rgba.set(src.rgba.subarray(s, s + 4), d);
    }
  }
}

/** Rasters side by side (top-aligned) or one above the other (left-aligned), gap pixels apart, on white. */
export function stack(rasters: Raster[], direction: 'horizontal' | 'vertical', gap = 8): Raster {
  const across = direction === 'horizontal';
  const length = rasters.reduce((n, r) => n + (across ? r.width : r.height), 0) + gap * Math.max(rasters.length - 1, 0);
  const breadth = Math.max(0, ...rasters.map((r) => (across ? r.height : r.width)));
  const out = createRaster(across ? length : breadth, across ? breadth : length, WHITE);
  let at = 0;
  for (const r of rasters) {
    blit(out, r, across ? at : 0, across ? 0 : at);
    at += (across ? r.width : r.height) + gap;
  }
  return out;
}

/** A title line (scale 2) above a picture, centred. */
export function titled(picture: Raster, title: string, subtitle?: string): Raster {
  const head = 8 + 2 * LINE_HEIGHT + (subtitle ? LINE_HEIGHT + 2 : 0) + 6;
  const width = Math.max(picture.width, textWidth(title, 2) + 16, subtitle ? textWidth(subtitle) + 16 : 0);
  const out = createRaster(width, head + picture.height, WHITE);
  drawText(out, title, Math.round(width / 2), 8, { align: 'center', scale: 2 });
  if (subtitle) drawText(out, subtitle, Math.round(width / 2), 8 + 2 * LINE_HEIGHT + 2, { align: 'center' });
  blit(out, picture, Math.round((width - picture.width) / 2), head);
  return out;
}

/** An image grid with a label left of each row: rowLabels[r] centred on grid row r (rows cellHeight apart). */
export function withRowLabels(grid: Raster, rowLabels: string[], cellHeight: number, padding = 1, scale = 2): Raster {
  const labelWidth = Math.max(...rowLabels.map((l) => textWidth(l, scale))) + 12;
  const out = createRaster(grid.width + labelWidth, grid.height, WHITE);
  blit(out, grid, labelWidth, 0);
  rowLabels.forEach((label, r) => {
    const y = padding + r * cellHeight + Math.round((cellHeight - padding - 7 * scale) / 2);
    drawText(out, label, labelWidth - 8, y, { align: 'right', scale });
  });
  return out;
}
