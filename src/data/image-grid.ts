// Tiles grey images (intensities in [0, 1]) into one picture: gridCols across, padding between.
import { createRaster, fillRect, writePng, type Raster, type Rgb } from './raster.js';

/** How {@link writeImageGrid} lays out images: count, size, columns, scale, padding and colours. */
export interface ImageGridOptions {
  /** How many images to draw, from the start of the array. */
  count: number;
  /** Each image's height and width in pixels. */
  rows: number;
  /** Each image's width in pixels. */
  cols: number;
  /** Images per grid row. */
  gridCols: number;
  /** Each image pixel becomes a scale × scale block. Default 1. */
  scale?: number;
  /** Pixels of padding colour around and between images. Default 1. */
  padding?: number;
  /** The colours of intensity 0 and 1 (grey levels between blend them) and of the padding. */
  colors?: {
    /** The colour of intensity 0. Default black. */
    background?: Rgb;
    /** The colour of intensity 1. Default white. */
    foreground?: Rgb;
    /** Default mid grey. */
    padding?: Rgb;
  };
}

export function renderImageGrid(images: Float32Array, options: ImageGridOptions): Raster {
  const { count, rows, cols, gridCols, scale = 1, padding = 1 } = options;
  const background = options.colors?.background ?? [0, 0, 0];
  const foreground = options.colors?.foreground ?? [255, 255, 255];
  const paddingColor = options.colors?.padding ?? [128, 128, 128];
  for (const [name, v] of Object.entries({ count, rows, cols, gridCols, scale })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`renderImageGrid: ${name} must be a positive integer, got ${v}`);
  }
  if (!Number.isInteger(padding) || padding < 0)
    throw new Error(`renderImageGrid: padding must be a non-negative integer, got ${padding}`);
  const pixels = rows * cols;
  if (images.length < count * pixels) {
    throw new Error(
      `renderImageGrid: ${count} images of ${rows}×${cols} need ${count * pixels} values, got ${images.length}`,
    );
  }
  const gridRows = Math.ceil(count / gridCols);
  const cellW = cols * scale + padding;
  const cellH = rows * scale + padding;
  const raster = createRaster(gridCols * cellW + padding, gridRows * cellH + padding, paddingColor);
  for (let n = 0; n < count; n++) {
    const x0 = padding + (n % gridCols) * cellW;
    const y0 = padding + Math.floor(n / gridCols) * cellH;
    // pixel p of image n: row r = p / cols, column c = p % cols
    images.subarray(n * pixels, (n + 1) * pixels).forEach((raw, p) => {
      const [r, c] = [Math.floor(p / cols), p % cols];
      const v = raw > 1 ? 1 : raw > 0 ? raw : 0; // clamped; NaN becomes 0
      const mix = (k: 0 | 1 | 2) => Math.round(background[k] + v * (foreground[k] - background[k]));
      fillRect(raster, x0 + c * scale, y0 + r * scale, scale, scale, [mix(0), mix(1), mix(2)]);
    });
  }
  return raster;
}

/** Renders the grid and writes it as a PNG, atomically. */
export async function writeImageGrid(path: string, images: Float32Array, options: ImageGridOptions): Promise<void> {
  await writePng(path, renderImageGrid(images, options));
}
