// A latent-space scatter plot: one dot per point, coloured by class, on a chart with a title,
// axis labels and a legend that names each class beside its colour.
import { createChart, drawDot } from './chart.js';
import { writePng, type Raster, type Rgb } from './raster.js';

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

/** How {@link writeScatterPng} draws: size, dot radius, title, axis labels, legend names, ticks. */
export interface ScatterOptions {
  /** Side of the square plotting area in pixels. Default 512. */
  size?: number;
  /** Dot radius in pixels (0 = one pixel). Default 1. */
  pointRadius?: number;
  /** A title above the plot. */
  title?: string;
  /** The horizontal axis's label. */
  xLabel?: string;
  /** The vertical axis's label. */
  yLabel?: string;
  /** The legend's name of class k (default "digit k"). */
  classNames?: readonly string[];
  /** Tick labels on the axes (default true; PCA axes may prefer none). */
  ticks?: boolean;
  /** The legend naming each class (default true). */
  legend?: boolean;
}

export function renderScatter(points: Float32Array, labels: Int32Array, options: ScatterOptions = {}): Raster {
  const { size = 512, pointRadius = 1 } = options;
  const n = labels.length;
  if (points.length !== 2 * n)
    throw new Error(`renderScatter: ${n} labels need ${2 * n} coordinates, got ${points.length}`);
  let minX = Infinity,
    maxX = -Infinity,
    minY = Infinity,
    maxY = -Infinity;
  const point = (i: number): [number, number] => {
    const [x = NaN, y = NaN] = points.subarray(2 * i, 2 * i + 2);
    return [x, y];
  };
  for (let i = 0; i < n; i++) {
    const [x, y] = point(i);
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  const names = options.classNames ?? CLASS_COLORS.map((_, k) => `digit ${k}`);
  const chart = createChart({
    plotSize: [size, size],
    title: options.title ?? 'Latent space by class',
    xLabel: options.xLabel ?? 'z1',
    yLabel: options.yLabel ?? 'z2',
    x: minX <= maxX ? [minX, maxX] : [0, 1],
    y: minY <= maxY ? [minY, maxY] : [0, 1],
    legend:
      options.legend === false ? [] : CLASS_COLORS.map((color, k) => ({ label: names[k] ?? `class ${k}`, color })),
    ticks: options.ticks ?? true,
    grid: false,
  });
  for (const [i, label] of labels.entries()) {
    const [x, y] = point(i);
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    drawDot(chart.raster, chart.px(x), chart.py(y), pointRadius, CLASS_COLORS[label] ?? UNLABELLED);
  }
  return chart.raster;
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
