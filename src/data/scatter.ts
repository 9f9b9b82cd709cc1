// A latent-space scatter plot: one dot per point, coloured by class, with a legend strip of
// ten coloured squares (class 0 at the top) down the right-hand side.
import { createRaster, fillRect, writePng, type Raster, type Rgb } from './raster.js';

/** Ten distinct class colours (Matplotlib's tab10). */
export const CLASS_COLORS: readonly Rgb[] = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [214, 39, 40],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [127, 127, 127],
  [188, 189, 34],
  [23, 190, 207],
];
const UNLABELLED: Rgb = [0, 0, 0];
const WHITE: Rgb = [255, 255, 255];

export interface ScatterOptions {
  /** Side of the square plotting area in pixels (the picture is at least as tall as the legend). Default 512. */
  size?: number;
  /** Each dot is a (2·radius+1)² square. Default 1. */
  pointRadius?: number;
}

const LEGEND_SQUARE = 12;
const LEGEND_STEP = LEGEND_SQUARE + 4;
const MARGIN = 8;

export function renderScatter(points: Float32Array, labels: Int32Array, options: ScatterOptions = {}): Raster {
  const { size = 512, pointRadius = 1 } = options;
  const n = labels.length;
  if (points.length !== 2 * n)
    throw new Error(`renderScatter: ${n} labels need ${2 * n} coordinates, got ${points.length}`);
  let minX = Infinity,
    maxX = -Infinity,
    minY = Infinity,
    maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = points[2 * i]!,
      y = points[2 * i + 1]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  const legendWidth = LEGEND_SQUARE + 2 * MARGIN;
  const legendHeight = 2 * MARGIN + CLASS_COLORS.length * LEGEND_STEP;
  const raster = createRaster(size + legendWidth, Math.max(size, legendHeight), WHITE);
  const plot = size - 2 * MARGIN - 1;
  // A zero span (one point, or all equal) maps to the middle of the plot.
  const toPixel = (v: number, min: number, max: number) => (max > min ? ((v - min) / (max - min)) * plot : plot / 2);
  for (let i = 0; i < n; i++) {
    const x = points[2 * i]!,
      y = points[2 * i + 1]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const px = MARGIN + Math.round(toPixel(x, minX, maxX));
    const py = MARGIN + plot - Math.round(toPixel(y, minY, maxY)); // y grows upwards
    const color = CLASS_COLORS[labels[i]!] ?? UNLABELLED;
    fillRect(raster, px - pointRadius, py - pointRadius, 2 * pointRadius + 1, 2 * pointRadius + 1, color);
  }
  CLASS_COLORS.forEach((color, k) => {
    fillRect(raster, size + MARGIN, MARGIN + k * LEGEND_STEP, LEGEND_SQUARE, LEGEND_SQUARE, color);
  });
  return raster;
}

/** Renders the scatter plot and writes it as a PNG, atomically. */
export async function writeScatterPng(
  path: string,
  points: Float32Array,
  labels: Int32Array,
  options: ScatterOptions = {},
): Promise<void> {
  await writePng(path, renderScatter(points, labels, options));
}
